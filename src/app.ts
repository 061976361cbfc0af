import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import errors, { replyWithError } from './errors.js'
import healthRoutes from './health.js'
import hookRoutes from './hooks/routes.js'
import { loggerOptions } from './logger.js'
import policyStore from './policy/store.js'
import type { AuthHooksConfig } from './config/types.js'
import type { Policy } from './policy/types.js'

export interface AppOptions {
  policy: Policy
  /** The validated config the policy was compiled from (sections other than hooks live here). */
  config: AuthHooksConfig
  /** pino options, a logger instance's options, or false for none (tests). */
  logger?: FastifyServerOptions['logger']
  loggerInstance?: FastifyServerOptions['loggerInstance']
}

export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance === undefined ? { logger: options.logger ?? loggerOptions() } : { loggerInstance: options.loggerInstance }),
    // One decision record per hook call replaces Fastify's two per-request lines.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.policy.limits.bodyBytes,
    requestTimeout: 10_000,
    connectionTimeout: 15_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    frameworkErrors: replyWithError,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } }
  })
  // Only JSON is a hook request; plain text would otherwise be parsed and fail later as a schema error.
  app.removeContentTypeParser('text/plain')
  await app.register(errors)
  await app.register(policyStore, { policy: options.policy })
  await app.register(healthRoutes)
  await app.register(hookRoutes)
  return app
}
