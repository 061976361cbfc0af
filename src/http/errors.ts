import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { PolicyCode } from '../policy/types.js'

/** Every `code` auth-hooks itself puts in a 4xx/5xx body. Rule denials carry the operator's codes. */
export const ErrorCode = {
  ...PolicyCode,
  invalidJson: 'invalid-json',
  unsupportedMediaType: 'unsupported-media-type',
  bodyTooLarge: 'body-too-large',
  invalidRequest: 'invalid-request',
  unknownHook: 'unknown-hook',
  notFound: 'not-found',
  badRequest: 'bad-request',
  internal: 'internal-error',
  jsonTooDeep: 'json-too-deep',
  stringTooLong: 'string-too-long',
  methodNotAllowed: 'method-not-allowed',
  overloaded: 'overloaded',
  unsafeRedirect: 'unsafe-redirect',
  noCustomer: 'no-customer',
  portalTimeout: 'portal-timeout',
  portalUnavailable: 'portal-unavailable',
  portalRefused: 'portal-refused',
  unauthenticated: 'unauthenticated',
  unauthorized: 'unauthorized',
  invalidProfile: 'invalid-profile',
  accountTaken: 'account-taken',
  linkExpired: 'link-expired',
  connectUnavailable: 'connect-unavailable',
  connectRefused: 'connect-refused',
  loginUnavailable: 'login-unavailable',
  sessionInvalid: 'session-invalid'
} as const

export type ErrorCodeValue = typeof ErrorCode[keyof typeof ErrorCode]

export interface ErrorBody {
  code: string
  message: string
  detail?: unknown
}

/** Response schema shared by every 4xx/5xx answer: `{code, message, detail?}`. */
export const errorBodySchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    detail: {}
  }
} as const

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const

/**
 * Methods answered at this exact path: a static route's, or POST for a hook path of the policy in
 * force (hook routes may be matched by pattern). Runs only on the not-found path.
 */
function allowedMethods (app: FastifyInstance, url: string): string[] {
  const path = url.split('?')[0] as string
  const allowed = new Set<string>(METHODS.filter(method => app.hasRoute({ method, url: path })))
  if (app.hasDecorator('policies') && [...app.policies.current.hooks.values()].some(hook => hook.path === path)) allowed.add('POST')
  return [...allowed]
}

const fastifyCodes: Record<string, { status: number, code: ErrorCodeValue, message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: ErrorCode.unsupportedMediaType, message: 'Content-Type must be application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ErrorCode.bodyTooLarge, message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: ErrorCode.badRequest, message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: ErrorCode.invalidJson, message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ErrorCode.invalidJson, message: 'Request body is not valid JSON' },
  FST_ERR_BAD_URL: { status: 400, code: ErrorCode.badRequest, message: 'Request URL is not valid' }
}

/** A 4xx/5xx that auth-hooks answers on purpose, with its stable code (an unsafe redirect URL, a JSON too deep, an overload). */
export class RequestError extends Error {
  constructor (readonly statusCode: number, readonly code: ErrorCodeValue, message: string) {
    super(message)
    this.name = 'RequestError'
  }
}

/** Turns any error thrown while handling a request into a stable `{code, message, detail?}` answer. */
export function toErrorReply (error: FastifyError): { status: number, body: ErrorBody } {
  if (error instanceof RequestError) return { status: error.statusCode, body: { code: error.code, message: error.message } }
  const known = fastifyCodes[error.code]
  if (known !== undefined) return { status: known.status, body: { code: known.code, message: known.message } }
  if (error.validation !== undefined) {
    const detail = error.validation.map(issue => ({
      path: issue.instancePath === '' ? '/' : issue.instancePath,
      message: issue.message ?? 'is invalid'
    }))
    return { status: 400, body: { code: ErrorCode.invalidRequest, message: 'Request body must be {"provider": string, "data": object}', detail } }
  }
  // JSON.parse errors (including secure-json-parse's prototype poisoning refusal) carry a 400 status
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return { status: 400, body: { code: ErrorCode.invalidJson, message: 'Request body is not valid JSON' } }
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return { status, body: { code: ErrorCode.badRequest, message: error.message } }
  return { status: 500, body: { code: ErrorCode.internal, message: 'Internal error' } }
}

/**
 * Answers an error with its stable body. Also Fastify's `frameworkErrors` option: errors the router
 * raises before any route (a URL that does not decode) would otherwise get Fastify's own body.
 */
export function replyWithError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorReply(error)
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed')
    return reply.code(status).send({ ...body, detail: { requestId: request.id } })
  }
  request.log.info({ code: body.code, status }, 'request refused')
  return reply.code(status).send(body)
}

async function errorsPlugin (app: FastifyInstance): Promise<void> {
  app.setErrorHandler(replyWithError)

  app.setNotFoundHandler(function (request, reply) {
    const allowed = allowedMethods(request.server, request.url)
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', '))
        .send({ code: ErrorCode.methodNotAllowed, message: `${request.method} is not allowed here; use ${allowed.join(' or ')}` })
    }
    return reply.code(404).send({ code: ErrorCode.notFound, message: `No route for ${request.method} ${request.url.split('?')[0]}` })
  })
}

export default fp(errorsPlugin, { name: 'auth-hooks-errors' })
