import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import { ErrorCode, errorBodySchema } from './errors.js'
import type { OriginAllowlist } from './redirects.js'

const ALLOWED_HEADERS = 'authorization, content-type'
const PREFLIGHT_MAX_AGE = '600'

function allowedOrigin (request: FastifyRequest, allowlist: OriginAllowlist): string | null {
  const origin = request.headers.origin
  return typeof origin === 'string' && allowlist.has(origin) ? origin : null
}

function allow (reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin)
    .header('access-control-allow-credentials', 'true')
    .header('vary', 'Origin')
}

/**
 * CORS for JSON routes a front end on another origin calls (profiles, the account list): only the
 * origins on the allowlist (identity.allowedOrigins), with credentials (the session cookie or an
 * Authorization header). Answers the preflight (OPTIONS) at each path; an origin not on the list
 * gets 403 origin-not-allowed there and no CORS headers anywhere, so the browser refuses to read.
 */
export function allowCors (app: FastifyInstance, allowlist: OriginAllowlist, routes: ReadonlyArray<{ url: string, methods: readonly string[] }>): onSendHookHandler {
  for (const { url, methods } of routes) {
    app.options(url, { schema: { response: { 204: { type: 'null' }, 403: errorBodySchema } } }, async function preflight (request, reply) {
      const origin = allowedOrigin(request, allowlist)
      const method = request.headers['access-control-request-method']
      if (origin === null || typeof method !== 'string' || !methods.includes(method)) {
        app.refusals.count(ErrorCode.originNotAllowed)
        return reply.code(403).header('vary', 'Origin').send({ code: ErrorCode.originNotAllowed, message: `This origin may not call ${methods.join(' or ')} ${url}` })
      }
      allow(reply, origin)
      return reply.code(204)
        .header('access-control-allow-methods', methods.join(', '))
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', PREFLIGHT_MAX_AGE)
        .send()
    })
  }
  return async function corsHeaders (request, reply, payload) {
    const origin = allowedOrigin(request, allowlist)
    if (origin !== null) allow(reply, origin)
    else reply.header('vary', 'Origin')
    return payload
  }
}
