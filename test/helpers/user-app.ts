// A Fastify app with just what the user-facing features need: the error handler and the features
// as buildApp registers them, with the same Fastify options.
import Fastify, { type FastifyInstance } from 'fastify'
import errors from '../../src/http/errors.js'
import type { AuthHooksConfig, Identity } from '../../src/config/types.js'
import type { StoreOptions } from '../../src/store/index.js'
import { FASTIFY_AJV, FASTIFY_ERRORS, registerUserFeatures } from '../../src/app.js'
import { AUDIENCE, HS_SECRET, ISSUER } from '../portal/tokens.js'

export const identityConfig: Identity = {
  jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, cookie: 'psg_auth_token' },
  signInUrl: 'https://app.example.com/login'
}

export async function buildUserApp (config: Omit<AuthHooksConfig, 'hooks' | 'caller'>, store: StoreOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, ajv: FASTIFY_AJV, ...FASTIFY_ERRORS })
  app.removeContentTypeParser('text/plain')
  await app.register(errors)
  await registerUserFeatures(app, config, store)
  await app.ready()
  return app
}
