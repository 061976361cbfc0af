import { fastifyCookie } from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthHooksConfig } from '../config/types.js'
import identity from './identity.js'
import { SessionCookie } from './sessions.js'
import signedIn from './signed-in.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Login sessions issued by Chargebee login; null unless chargebeeLogin is configured. */
    loginSessions: SessionCookie | null
  }
}

export interface IdentityServicesOptions {
  config: Pick<AuthHooksConfig, 'identity' | 'chargebeeLogin'>
  /** The store is open (a stateful feature is configured): signed-in users can be resolved. */
  withStore: boolean
}

/**
 * Who the browser-facing user is: `request.identify()` from the app's JWT or signed cookie (the
 * identity section), and, once the store is open, `request.signedInUser()`, which also accepts a
 * Chargebee login session. Shared by portal, profiles, connect and Chargebee login.
 */
async function identityServices (app: FastifyInstance, options: IdentityServicesOptions): Promise<void> {
  const { config } = options
  if (config.identity !== undefined) await app.register(identity, { config: config.identity })
  const login = config.chargebeeLogin
  const sessions = login === undefined
    ? null
    : new SessionCookie({ name: login.cookieName ?? 'auth_hooks_session', secret: login.cookieSecret, ttlSeconds: login.sessionTtlSeconds ?? 86_400 })
  app.decorate('loginSessions', sessions)
  if (!options.withStore) return
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie)
  await app.register(signedIn, sessions === null ? {} : { chargebeeSessions: sessions })
}

export default fp(identityServices, { name: 'auth-hooks-identity-services', fastify: '5.x' })
