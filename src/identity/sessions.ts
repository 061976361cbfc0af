import { randomBytes } from 'node:crypto'
import { fastifyCookie } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Session, Store } from '../store/types.js'

export interface SessionCookieOptions {
  name: string
  secret: string
  ttlSeconds: number
}

/**
 * The app's session cookie: an opaque random session id, signed with @fastify/cookie's signer,
 * HttpOnly, Secure, SameSite=Lax. Who the session belongs to lives only in the store, so logging
 * out (or deleting the row) ends the session even if a copy of the cookie survives.
 */
export class SessionCookie {
  readonly #signer: ReturnType<typeof fastifyCookie.signerFactory>

  constructor (private readonly options: SessionCookieOptions) {
    this.#signer = fastifyCookie.signerFactory(options.secret)
  }

  static newSessionId (): string {
    return randomBytes(32).toString('base64url')
  }

  set (reply: FastifyReply, sessionId: string): void {
    reply.setCookie(this.options.name, this.#signer.sign(sessionId), {
      httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: this.options.ttlSeconds
    })
  }

  clear (reply: FastifyReply): void {
    reply.clearCookie(this.options.name, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' })
  }

  /** The session id from a correctly signed cookie, or null. */
  sessionId (request: FastifyRequest): string | null {
    const raw = request.cookies[this.options.name]
    if (raw === undefined) return null
    const unsigned = this.#signer.unsign(raw)
    return unsigned.valid ? unsigned.value : null
  }

  /** The live session this request's cookie points to; null when missing, forged, unknown or expired. */
  async session (request: FastifyRequest, store: Store, now: number): Promise<Session | null> {
    const id = this.sessionId(request)
    if (id === null) return null
    const session = await store.getSession(id)
    return session !== null && session.expiresAt > now ? session : null
  }
}
