import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCode, type ErrorBody } from './errors.js'
import type { Limits } from '../policy/types.js'
import { jsonLimitError } from './json-limits.js'
import { REQUEST_ID_HEADER } from './request-id.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body exactly as received (signatures are computed over it); null without a JSON body. */
    rawBody: Buffer | null
  }
}

/**
 * Headers for an API that only ever answers JSON: no sniffing, no framing, no caching of
 * decisions, no referrer, no resources loadable by other origins. Set once per request in
 * onRequest, which is cheaper than @fastify/helmet's HTML-oriented set (see docs/security.md).
 */
export const SECURITY_HEADERS = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY'
})

/**
 * Samples the event loop delay with @fastify/under-pressure and returns a check of its last
 * sample. The plugin is given no threshold, so it adds no hook of its own: its onRequest hook
 * builds `request.routeOptions` (a fresh object) on every request, which the hook path cannot
 * afford; the check here reads one number.
 */
async function eventLoopSaturation (app: FastifyInstance, limits: Limits): Promise<() => boolean> {
  await app.register(underPressure, { sampleInterval: Math.min(limits.eventLoopDelayMs, 1000) })
  return () => app.memoryUsage().eventLoopDelay > limits.eventLoopDelayMs
}

/** A fast 503 instead of a queue the auth system times out on. */
function shed (reply: FastifyReply, limits: Limits): void {
  reply.server.refusals.count(ErrorCode.overloaded)
  const body: ErrorBody = { code: ErrorCode.overloaded, message: 'The service is overloaded; retry later' }
  reply.code(503).header('retry-after', String(limits.retryAfterSeconds)).send(body)
}

export interface SecurityOptions {
  /** Shed load: 503 overloaded with Retry-After while the event loop delay is over limits.eventLoopDelayMs. */
  loadShedding: boolean
}

/**
 * Security for every route: headers, load shedding, and one-pass JSON parsing that keeps the raw
 * body (caller signatures are computed over it) and enforces depth/string limits.
 */
async function securityPlugin (app: FastifyInstance, options: SecurityOptions): Promise<void> {
  const { limits } = app.policies.current

  const saturated = options.loadShedding ? await eventLoopSaturation(app, limits) : () => false
  // One hook for both: every hook Fastify runs per request costs, and these two apply to all routes.
  app.addHook('onRequest', function headersAndLoadShedding (request, reply, done) {
    reply.headers(SECURITY_HEADERS)
    reply.header(REQUEST_ID_HEADER, request.id)
    if (saturated()) shed(reply, limits)
    else done()
  })

  app.decorateRequest('rawBody', null)

  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, function (request, body, done) {
    request.rawBody = body as Buffer
    // Fastify's own secure parser (prototype-poisoning refusal) accepts a Buffer at run time.
    parseJson(request, body as unknown as string, (error, value) => {
      if (error !== null) return done(error, undefined)
      const limitError = jsonLimitError(value, app.policies.current.limits)
      if (limitError !== null) done(limitError, undefined)
      else done(null, value)
    })
  })
}

export default fp(securityPlugin, { name: 'auth-hooks-security', dependencies: ['auth-hooks-policy-store', 'auth-hooks-errors'] })
