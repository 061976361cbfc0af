import swagger from '@fastify/swagger'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { chargebeeLoginRoutes } from './chargebee-login/routes.js'
import type { AuthHooksConfig } from './config/types.js'
import { connectRoutes } from './connect/routes.js'
import hookRoutes from './hooks/routes.js'
import { sharesReplayIds } from './hooks/replay-store.js'
import errors, { clientErrorHandler, MAX_PARAM_LENGTH, replyWithError } from './http/errors.js'
import healthRoutes from './http/health.js'
import { requestIdGenerator } from './http/request-id.js'
import security from './http/security.js'
import identityServices from './identity/index.js'
import type { SessionCookie } from './identity/sessions.js'
import { lazyRequestLogger, loggerOptions } from './observability/logger.js'
import metrics, { metricsOptions } from './observability/metrics.js'
import policyStore from './policy/live.js'
import configWatcher, { type WatchOptions } from './policy/reload.js'
import type { Policy } from './policy/types.js'
import portalRoutes from './portal/routes.js'
import { profileRoutes } from './profiles/routes.js'
import type { StoreOptions } from './store/index.js'
import storePlugin, { needsStore, storeOptionsFrom, type UserFeaturesConfig } from './store/plugin.js'

export interface AppOptions {
  policy: Policy
  /** The validated config the policy was compiled from (sections other than hooks live here). */
  config: AuthHooksConfig
  /** pino options, a logger instance's options, or false for none (tests). */
  logger?: FastifyServerOptions['logger']
  loggerInstance?: FastifyServerOptions['loggerInstance']
  /** 503 overloaded while the event loop is saturated (limits.eventLoopDelayMs). serve() turns it on; off by default so tests are not shed on a busy machine. */
  loadShedding?: boolean
  /** Store location; from DATABASE_URL and the store section when left out (tests pass their own). */
  store?: StoreOptions
  /** Reload the policy when these files change (and on `app.configReloader.reload()`). */
  watch?: WatchOptions
  /** Collect every route's schemas into an OpenAPI document (`app.swagger()`), as `auth-hooks openapi` does. */
  describe?: { version: string }
}

/** Fastify options shared by the app and the tests that build parts of it. */
export const FASTIFY_AJV = { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } } as const

/** Fastify options about errors and routing, shared the same way: our error shape everywhere. */
export const FASTIFY_ERRORS = {
  frameworkErrors: replyWithError,
  clientErrorHandler,
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH }
} as const

export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance === undefined ? { logger: options.logger ?? loggerOptions() } : { loggerInstance: options.loggerInstance }),
    // One decision record per hook call replaces Fastify's two per-request lines.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: options.policy.limits.bodyBytes,
    // Timeouts (docs/security.md): a slow or stalled client holds a socket for seconds, not
    // minutes. Node enforces header/request timeouts on each connections check.
    http: { headersTimeout: 5_000, connectionsCheckingInterval: 1_000 },
    requestTimeout: 10_000,
    connectionTimeout: 15_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    ...FASTIFY_ERRORS,
    genReqId: requestIdGenerator(options.config.server?.trustRequestId === true),
    ajv: FASTIFY_AJV
  })
  try {
    // Only JSON is a hook request; plain text would otherwise be parsed and fail later as a schema error.
    app.removeContentTypeParser('text/plain')
    if (options.describe !== undefined) {
      await app.register(swagger, { openapi: { info: { title: 'auth-hooks', version: options.describe.version } } })
    }
    await app.register(errors)
    await app.register(policyStore, { policy: options.policy })
    await app.register(security, { loadShedding: options.loadShedding === true })
    await app.register(metrics, metricsOptions(options.config))
    app.refusals.onRefusal((code, reason) => app.metrics.refused(code, reason))
    if (options.watch !== undefined) await app.register(configWatcher, options.watch)
    await app.register(healthRoutes)
    const store = options.store ?? storeOptionsFrom(options.config, process.env)
    // Before the hooks: on PostgreSQL they keep accepted webhook-ids there, shared by every replica.
    if (needsStore(options.config) || sharesReplayIds(options.policy, store)) await app.register(storePlugin, store)
    await app.register(hookRoutes)
    await registerUserFeatures(app, options.config, store)
  } catch (error) {
    // A plugin that failed (the store unreachable, say) must not leave the others' handles open.
    await app.close()
    throw error
  }
  return app
}

/**
 * The browser-facing features, each only when configured: first what they share (the store, when
 * a feature keeps state, and who the user is), then portal, profiles, connect and Chargebee login
 * as siblings.
 */
export async function registerUserFeatures (app: FastifyInstance, config: UserFeaturesConfig, store: StoreOptions): Promise<void> {
  const withStore = needsStore(config)
  if (withStore && !app.hasDecorator('store')) await app.register(storePlugin, store)
  await app.register(identityServices, { config, withStore })
  if (config.portals !== undefined) await app.register(portalRoutes, { portals: config.portals })
  if (config.profiles !== undefined) {
    await app.register(profileRoutes, { profiles: config.profiles, ...(config.admin === undefined ? {} : { admin: config.admin }) })
  }
  if (config.connect !== undefined) await app.register(connectRoutes, config.connect)
  if (config.chargebeeLogin !== undefined) {
    await app.register(chargebeeLoginRoutes, { config: config.chargebeeLogin, cookie: app.loginSessions as SessionCookie })
  }
}
