// A Fastify app with just what the user-facing features need: the error handler, the portal
// identity layer (when configured) and userFeatures, with the same Fastify options as buildApp.
import Fastify, { type FastifyInstance } from 'fastify'
import errors from '../../src/errors.js'
import identity from '../../src/portal/identity.js'
import type { AuthHooksConfig, Identity } from '../../src/config/types.js'
import type { StoreOptions } from '../../src/store/index.js'
import { userFeatures } from '../../src/users/plugin.js'
import { AUDIENCE, HS_SECRET, ISSUER } from '../portal/tokens.js'

export const identityConfig: Identity = {
  jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, cookie: 'psg_auth_token' },
  signInUrl: 'https://app.example.com/login'
}

export async function buildUserApp (config: Omit<AuthHooksConfig, 'hooks' | 'caller'>, store: StoreOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } } })
  app.removeContentTypeParser('text/plain')
  await app.register(errors)
  if (config.identity !== undefined) await app.register(identity, { config: config.identity })
  await app.register(userFeatures, { config: { caller: { none: true }, hooks: { preSignup: { rules: [] } }, ...config }, store })
  await app.ready()
  return app
}
