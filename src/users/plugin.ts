import { fastifyCookie } from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import type { AuthHooksConfig } from '../config/types.js'
import storePlugin from '../store/plugin.js'
import type { StoreOptions } from '../store/index.js'
import signedIn from './signed-in.js'
import { profileRoutes } from './profiles.js'
import { connectRoutes } from '../connect/routes.js'
import { chargebeeLoginRoutes } from '../chargebee-login/routes.js'
import { SessionCookie } from '../chargebee-login/sessions.js'

export interface UserFeaturesOptions {
  config: AuthHooksConfig
  /** Where the store lives; from DATABASE_URL and store.sqlitePath unless a test overrides it. */
  store: StoreOptions
}

/** True when the config uses a feature that keeps state (and so needs the store). */
export function needsStore (config: AuthHooksConfig): boolean {
  return config.profiles !== undefined || config.connect !== undefined || config.chargebeeLogin !== undefined
}

/**
 * Profiles, connected accounts and Chargebee login: the store, who the signed-in user is, and the
 * routes of each configured feature. Does nothing unless needsStore(config).
 */
export async function userFeatures (app: FastifyInstance, options: UserFeaturesOptions): Promise<void> {
  const { config } = options
  if (!needsStore(config)) return
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie)
  await app.register(storePlugin, options.store)
  const login = config.chargebeeLogin
  const sessions = login === undefined
    ? undefined
    : new SessionCookie({ name: login.cookieName ?? 'auth_hooks_session', secret: login.cookieSecret, ttlSeconds: login.sessionTtlSeconds ?? 86_400 })
  await app.register(signedIn, sessions === undefined ? {} : { chargebeeSessions: sessions })
  if (config.profiles !== undefined) {
    await app.register(profileRoutes, { profiles: config.profiles, ...(config.admin === undefined ? {} : { admin: config.admin }) })
  }
  if (config.connect !== undefined) await app.register(connectRoutes, config.connect)
  if (login !== undefined) await app.register(chargebeeLoginRoutes, { config: login, cookie: sessions as SessionCookie })
}

/** The store options for a config and environment: DATABASE_URL wins, then store.sqlitePath. */
export function storeOptionsFrom (config: AuthHooksConfig, env: NodeJS.ProcessEnv): StoreOptions {
  return {
    ...(config.store?.sqlitePath === undefined ? {} : { sqlitePath: config.store.sqlitePath }),
    ...(env.DATABASE_URL === undefined ? {} : { databaseUrl: env.DATABASE_URL })
  }
}
