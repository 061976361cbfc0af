import { Ajv, type ErrorObject } from 'ajv'
import { ErrorCode } from '../../http/errors.js'
import { RequestRefusal, type Refusal } from './types.js'

// Fastify's own validation settings (src/app.ts FASTIFY_AJV): no coercion, first error only.
const ajv = new Ajv({ coerceTypes: false, allErrors: false, strict: true, allowUnionTypes: true })

export type RequestCheck = (body: unknown) => Refusal | null

/** `{path, message}` per schema error, as the native 400 invalid-request detail lists them. */
export function validationDetail (errors: ErrorObject[]): Array<{ path: string, message: string }> {
  return errors.map(issue => ({ path: issue.instancePath === '' ? '/' : issue.instancePath, message: issue.message as string }))
}

/** Compiles a system's request schema once; the check answers 400 invalid-request with `message`. */
export function requestCheck (schema: object, message: string): RequestCheck {
  const validate = ajv.compile(schema)
  return body => validate(body)
    ? null
    : new RequestRefusal(400, ErrorCode.invalidRequest, message, validationDetail(validate.errors as ErrorObject[]))
}
