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

/** Opens the store (running migrations) before the app listens and closes it with the app. */
async function storePlugin (app: FastifyInstance, options: StoreOptions): Promise<void> {
  const store = await openStore(options)
  app.decorate('store', store)
  app.addHook('onClose', async () => await store.close())
  app.log.info({ backend: store.backend }, 'store opened')
}

export default fp(storePlugin, { name: 'auth-hooks-store', fastify: '5.x' })
