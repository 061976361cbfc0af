import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import configWatcher, { type WatchOptions } from './config/watch.js'
import errors, { replyWithError } from './errors.js'
import healthRoutes from './health.js'
import hookRoutes from './hooks/routes.js'
import { lazyRequestLogger, loggerOptions } from './logger.js'
import metrics from './metrics.js'
import policyStore from './policy/store.js'
import portal from './portal/index.js'
import security from './security/plugin.js'
import type { StoreOptions } from './store/index.js'
import { storeOptionsFrom, userFeatures } from './users/plugin.js'
import type { AuthHooksConfig } from './config/types.js'
import type { Policy } from './policy/types.js'

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
}

export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance === undefined ? { logger: options.logger ?? loggerOptions() } : { loggerInstance: options.loggerInstance }),
    // One decision record per hook call replaces Fastify's two per-request lines.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: options.policy.limits.bodyBytes,
    // Timeouts (docs/security.md): a slow or stalled client holds a socket for
    // seconds, not minutes. Node enforces header/request timeouts on each connections check.
    http: { headersTimeout: 5_000, connectionsCheckingInterval: 1_000 },
    requestTimeout: 10_000,
    connectionTimeout: 15_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    frameworkErrors: replyWithError,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } }
  })
  try {
    // Only JSON is a hook request; plain text would otherwise be parsed and fail later as a schema error.
    app.removeContentTypeParser('text/plain')
    await app.register(errors)
    await app.register(policyStore, { policy: options.policy })
    await app.register(security, { loadShedding: options.loadShedding === true })
    await app.register(metrics)
    if (options.watch !== undefined) await app.register(configWatcher, options.watch)
    await app.register(healthRoutes)
    await app.register(hookRoutes)
    await app.register(portal, { config: options.config })
    // Profiles, connected accounts, Chargebee login: nothing (no store either) unless configured.
    await app.register(userFeatures, { config: options.config, store: options.store ?? storeOptionsFrom(options.config, process.env) })
  } catch (error) {
    // A plugin that failed (the store unreachable, say) must not leave the others' handles open.
    await app.close()
    throw error
  }
  return app
}
