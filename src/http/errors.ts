import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCode, type ErrorCodeValue } from './codes.js'
import { errorPage, failurePageHtml } from './pages.js'

export { ErrorCode, type ErrorCodeValue } from './codes.js'

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

/** Longest URL parameter (`:token`, `:id`) the router accepts (Fastify's default is 100). */
export const MAX_PARAM_LENGTH = 512

const fastifyCodes: Record<string, { status: number, code: ErrorCodeValue, message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: ErrorCode.unsupportedMediaType, message: 'Content-Type must be application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ErrorCode.bodyTooLarge, message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: ErrorCode.badRequest, message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: ErrorCode.invalidJson, message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ErrorCode.invalidJson, message: 'Request body is not valid JSON' },
  FST_ERR_BAD_URL: { status: 400, code: ErrorCode.badRequest, message: 'Request URL is not valid' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: ErrorCode.uriTooLong, message: `A URL path segment is longer than ${MAX_PARAM_LENGTH} characters` }
}

/** A 4xx/5xx that auth-hooks answers on purpose, with its stable code (an unsafe redirect URL, a JSON too deep, an overload). */
export class RequestError extends Error {
  constructor (readonly statusCode: number, readonly code: ErrorCodeValue, message: string) {
    super(message)
    this.name = 'RequestError'
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The message of this route's 400 invalid-request (its body, query or params do not match its schema), or one per part. */
    invalidRequestMessage?: string | Partial<Record<'body' | 'querystring' | 'params' | 'headers', string>>
    /** A browser-facing route: its errors are answered with the plain HTML page, not JSON. */
    errorPage?: boolean
  }
  interface FastifyInstance {
    /** Every request auth-hooks refuses (a 4xx or 503 it answers on purpose), by code and reason. */
    refusals: Refusals
  }
}

type RefusalListener = (code: string, reason: string) => void

/** Where refusals are reported; the metrics subscribe (app.ts wires them), so http/ needs no metrics. */
export class Refusals {
  readonly #listeners: RefusalListener[] = []

  /** `reason` says more than the code where it is a short fixed text (why a caller was refused); '' otherwise. */
  count (code: string, reason = ''): void {
    for (const listener of this.#listeners) listener(code, reason)
  }

  onRefusal (listener: RefusalListener): void {
    this.#listeners.push(listener)
  }
}

/** The route's own message; a route that names none gets one built from its method and URL. */
function invalidRequestMessage (error: FastifyError, request: FastifyRequest | undefined): string {
  const own = request?.routeOptions.config?.invalidRequestMessage
  const part = error.validationContext ?? 'body'
  const message = typeof own === 'object' ? own[part] : own
  if (message !== undefined) return message
  const route = request === undefined ? 'this route' : `${request.routeOptions.method as string} ${request.routeOptions.url as string}`
  return `Request ${part} is not valid for ${route}`
}

/**
 * Turns any error thrown while handling a request into a stable `{code, message, detail?}` answer.
 * With the request, a validation error gets its route's own message.
 */
export function toErrorReply (error: FastifyError, request?: FastifyRequest): { status: number, body: ErrorBody } {
  if (error instanceof RequestError) return { status: error.statusCode, body: { code: error.code, message: error.message } }
  const known = fastifyCodes[error.code]
  if (known !== undefined) return { status: known.status, body: { code: known.code, message: known.message } }
  if (error.validation !== undefined) {
    const detail = error.validation.map(issue => ({
      path: issue.instancePath === '' ? '/' : issue.instancePath,
      message: issue.message ?? 'is invalid'
    }))
    return { status: 400, body: { code: ErrorCode.invalidRequest, message: invalidRequestMessage(error, request), detail } }
  }
  // A body parser's JSON.parse failure (secure-json-parse's prototype-poisoning refusal included):
  // Fastify marks it 400. A SyntaxError a handler throws is a bug, and falls through to 500.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return { status: 400, body: { code: ErrorCode.invalidJson, message: 'Request body is not valid JSON' } }
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return { status, body: { code: ErrorCode.badRequest, message: error.message } }
  return { status: 500, body: { code: ErrorCode.internal, message: 'Internal error' } }
}

/** How long a refused upload may keep sending before the connection is cut (see lingerBeforeClosing). */
export const LINGER_MS = 2_000

/**
 * A 413 closes the connection (Fastify sets `connection: close`), but the client is often still
 * writing the body: closing a socket with unread data sends a reset, and the client loses the 413
 * it has not read yet (Node's own client reports EPIPE/ECONNRESET). So once the answer is written,
 * half-close (FIN after the answer), keep reading and dropping what arrives, and destroy the
 * socket when the client closes its side or after LINGER_MS, whichever comes first.
 */
export function lingerBeforeClosing (socket: Socket, ms = LINGER_MS): void {
  socket.destroySoon = function lingeringClose (this: Socket): void {
    this.end()
    const timer = setTimeout(() => this.destroy(), ms).unref()
    this.once('close', () => clearTimeout(timer))
    this.once('end', () => this.destroy())
  }
}

/**
 * Logs an error answer, counts it as a refusal (a 4xx), and after a 413 lets the client finish
 * sending so it can read the answer. Every error answer goes through here, whatever its shape.
 */
export function recordErrorReply (error: FastifyError, request: FastifyRequest, status: number, body: ErrorBody): void {
  const { socket } = request.raw
  if (status >= 500) request.log.error({ err: error }, 'request failed')
  else {
    request.log.info({ code: body.code, status }, 'request refused')
    // A body cut short already had its answer from clientErrorHandler, which counted it.
    if (socket?.destroyed !== true && request.server.hasDecorator('refusals')) request.server.refusals.count(body.code)
  }
  if (status === 413 && socket !== undefined && socket !== null) lingerBeforeClosing(socket)
}

/**
 * Answers an error with its stable body, or with the plain HTML page on a browser-facing route.
 * Also Fastify's `frameworkErrors` option: errors the router raises before any route (a URL that
 * does not decode) would otherwise get Fastify's own body.
 */
export function replyWithError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorReply(error, request)
  recordErrorReply(error, request, status, body)
  reply.code(status)
  // Errors the router raises before any route have no route config.
  if (request.routeOptions.config?.errorPage === true) {
    return reply.type('text/html; charset=utf-8').send(failurePageHtml(errorPage(status, body.code), request.id))
  }
  return reply.send(status >= 500 ? { ...body, detail: { requestId: request.id } } : body)
}

const CLIENT_ERRORS: Record<string, { status: number, reason: string, body: ErrorBody }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', body: { code: ErrorCode.requestTimeout, message: 'The request did not arrive in time' } },
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', body: { code: ErrorCode.headersTooLarge, message: 'Request headers are too large' } }
}
const MALFORMED = { status: 400, reason: 'Bad Request', body: { code: ErrorCode.badRequest, message: 'Request is malformed or ended early (a body shorter than its Content-Length)' } }

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP parser raises before there is a request (a
 * body cut short after its Content-Length, a malformed request line, headers too large, a
 * timeout) get our `{code, message}` rather than Fastify's `{error, message, statusCode}`.
 */
export function clientErrorHandler (this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const answer = CLIENT_ERRORS[error.code as string] ?? MALFORMED
  this.log.debug({ err: error }, 'client error')
  if (this.hasDecorator('refusals')) this.refusals.count(answer.body.code)
  if (socket.writable) {
    const body = JSON.stringify(answer.body)
    socket.write(`HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

async function errorsPlugin (app: FastifyInstance): Promise<void> {
  app.decorate('refusals', new Refusals())
  app.setErrorHandler(replyWithError)

  app.setNotFoundHandler(function (request, reply) {
    const allowed = allowedMethods(request.server, request.url)
    if (allowed.length > 0) {
      request.server.refusals.count(ErrorCode.methodNotAllowed)
      return reply.code(405).header('allow', allowed.join(', '))
        .send({ code: ErrorCode.methodNotAllowed, message: `${request.method} is not allowed here; use ${allowed.join(' or ')}` })
    }
    request.server.refusals.count(ErrorCode.notFound)
    return reply.code(404).send({ code: ErrorCode.notFound, message: `No route for ${request.method} ${request.url.split('?')[0]}` })
  })
}

export default fp(errorsPlugin, { name: 'auth-hooks-errors' })
