import { readFileSync } from 'node:fs'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { AuthHooksConfig } from './types.js'

/**
 * schema/auth.schema.json of the package itself (two folders up from both src/config and
 * dist/config), never the operator's conf/: a mounted conf/ holds auth.yaml and its lists only.
 */
export const schemaUrl = new URL('../../schema/auth.schema.json', import.meta.url)
export const configSchema = JSON.parse(readFileSync(schemaUrl, 'utf8'))

// strictRequired is off: the oneOf branches name keys declared beside them, not inside them
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true })
export const validateConfig = ajv.compile<AuthHooksConfig>(configSchema)

export type SchemaError = ErrorObject

/** A named definition of the schema, for recognising which part an Ajv error comes from. */
export function schemaDefinition (name: string): object {
  return configSchema.definitions[name]
}

/** The schema's own `default` for a limit, so defaults live in one place. */
export function schemaDefault (definition: string, property: string): unknown {
  return configSchema.definitions[definition].properties[property].default
}

/** schema/auth.test.schema.json (the package's own, like schemaUrl), the shape of `auth-hooks test` case files. */
export const caseSchemaUrl = new URL('../../schema/auth.test.schema.json', import.meta.url)
let caseValidator: ValidateFunction | undefined

/** The test-case file validator, compiled on first use: `serve` never pays for it. */
export function validateCaseFile<T> (): ValidateFunction<T> {
  // strictRequired off, as for the config: the oneOf branches name keys declared beside them
  caseValidator ??= new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(JSON.parse(readFileSync(caseSchemaUrl, 'utf8')))
  return caseValidator as ValidateFunction<T>
}
