import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthHooksConfig } from '../config/types.js'
import identity from './identity.js'
import portalRoutes from './routes.js'

export interface PortalPluginOptions {
  config: Pick<AuthHooksConfig, 'identity' | 'portals'>
}

/**
 * The browser-facing side of auth-hooks: `app.identifier` / `request.identify()` when the config has
 * an identity section, and one route per configured portal. Neither section: nothing registered.
 */
async function portalPlugin (app: FastifyInstance, options: PortalPluginOptions): Promise<void> {
  const { identity: identityConfig, portals } = options.config
  if (identityConfig !== undefined) await app.register(identity, { config: identityConfig })
  if (portals !== undefined) await app.register(portalRoutes, { portals })
}

export default fp(portalPlugin, { name: 'auth-hooks-portal', fastify: '5.x' })
