import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { openStore, type StoreOptions } from './index.js'
import type { AuthHooksConfig } from '../config/types.js'
import type { Store } from './types.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Profiles, connected accounts and sessions; present when a feature that needs it is configured. */
    store: Store
  }
}

/** Connect links are kept this long after they expire (connect accepts a late notification meanwhile). */
export const EXPIRED_LINK_RETENTION_MS = 3_600_000
/** Often enough that accepted webhook-ids (kept for toleranceSeconds) do not pile up; each run is a few indexed deletes. */
export const PRUNE_EVERY_MS = 300_000

/** The config sections of the browser-facing features (everything but the hooks). */
export type UserFeaturesConfig = Pick<AuthHooksConfig, 'identity' | 'portals' | 'profiles' | 'admin' | 'connect' | 'chargebeeLogin' | 'store'>

/** True when the config uses a feature that keeps state (and so needs the store). */
export function needsStore (config: UserFeaturesConfig): boolean {
  return config.profiles !== undefined || config.connect !== undefined || config.chargebeeLogin !== undefined
}

/** The store options for a config and environment: DATABASE_URL wins, then store.sqlitePath. */
export function storeOptionsFrom (config: UserFeaturesConfig, env: NodeJS.ProcessEnv): StoreOptions {
  return {
    ...(config.store?.sqlitePath === undefined ? {} : { sqlitePath: config.store.sqlitePath }),
    ...(env.DATABASE_URL === undefined ? {} : { databaseUrl: env.DATABASE_URL })
  }
}

/**
 * Opens the store (running migrations) before the app listens, prunes expired connect links,
 * sessions and webhook-ids once then and in the background, and closes it with the app.
 */
async function storePlugin (app: FastifyInstance, options: StoreOptions): Promise<void> {
  const store = await openStore(options)
  app.decorate('store', store)
  const prune = async (): Promise<void> => {
    const now = Date.now()
    await store.prune(now - EXPIRED_LINK_RETENTION_MS, now).catch((error: Error) => app.log.warn({ err: error }, 'store: pruning expired rows failed'))
  }
  // A replica that starts clears what stopped ones left, before it serves.
  await prune()
  const timer = setInterval(prune, options.pruneEveryMs ?? PRUNE_EVERY_MS).unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await store.close()
  })
  app.log.info({ backend: store.backend }, 'store opened')
}

export default fp(storePlugin, { name: 'auth-hooks-store', fastify: '5.x' })
