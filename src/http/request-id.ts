import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const REQUEST_ID_HEADER = 'x-request-id'

/** What an incoming id may look like; anything else is replaced by our own. */
const INCOMING_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/**
 * Fastify's genReqId: `<boot>-<n>`, where boot is 48 random bits drawn at start, so ids never
 * repeat across restarts or replicas (Fastify's own `req-1`, `req-2`… start over with every
 * process) and cost a counter increment per request. With `trustIncoming` (only behind a proxy
 * that sets or strips x-request-id itself), a well-formed incoming x-request-id is used instead.
 */
export function requestIdGenerator (trustIncoming: boolean, boot = randomBytes(6).toString('base64url')): (request: IncomingMessage) => string {
  let counter = 0
  const own = (): string => `${boot}-${(++counter).toString(36)}`
  if (!trustIncoming) return own
  return request => {
    const incoming = request.headers[REQUEST_ID_HEADER]
    return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : own()
  }
}
