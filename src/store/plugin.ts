import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { openStore, type StoreOptions } from './index.js'
import type { Store } from './types.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Profiles, connected accounts and sessions; present when a feature that needs it is configured. */
    store: Store
  }
}

/** A connect link's notification is still accepted this long after the link expired. */
export const CONNECT_LINK_GRACE_MS = 3_600_000
const PRUNE_EVERY_MS = 3_600_000

/**
 * Opens the store (running migrations) before the app listens, prunes expired connect links and
 * sessions in the background, and closes it with the app.
 */
async function storePlugin (app: FastifyInstance, options: StoreOptions): Promise<void> {
  const store = await openStore(options)
  app.decorate('store', store)
  const prune = (): void => {
    const now = Date.now()
    store.prune(now - CONNECT_LINK_GRACE_MS, now).catch((error: Error) => app.log.warn({ err: error }, 'store: pruning expired rows failed'))
  }
  const timer = setInterval(prune, options.pruneEveryMs ?? PRUNE_EVERY_MS).unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await store.close()
  })
  app.log.info({ backend: store.backend }, 'store opened')
}

export default fp(storePlugin, { name: 'auth-hooks-store', fastify: '5.x' })
