import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { SessionCookie } from './sessions.js'

/** The user a browser-facing request acts for. */
export interface SignedInUser {
  userId: string
  /** identity: the app's JWT or signed cookie (portal identity layer); chargebee: a Chargebee login session. */
  via: 'identity' | 'chargebee'
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, from the identity section first, then a Chargebee login session; null when neither. */
    signedInUser: () => Promise<SignedInUser | null>
  }
}

export interface SignedInOptions {
  /** Present when chargebeeLogin is configured: its sessions also sign users in. */
  chargebeeSessions?: SessionCookie
}

async function signedInPlugin (app: FastifyInstance, options: SignedInOptions): Promise<void> {
  const hasIdentity = app.hasRequestDecorator('identify')
  const sessions = options.chargebeeSessions
  app.decorateRequest('signedInUser', async function (this: FastifyRequest): Promise<SignedInUser | null> {
    if (hasIdentity) {
      const identity = await this.identify()
      if (identity !== null) return { userId: identity.userId, via: 'identity' }
    }
    if (sessions === undefined) return null
    const session = await sessions.session(this, this.server.store, Date.now())
    return session === null ? null : { userId: session.customerId, via: 'chargebee' }
  })
}

export default fp(signedInPlugin, { name: 'auth-hooks-signed-in', fastify: '5.x', decorators: { fastify: ['store'] } })
