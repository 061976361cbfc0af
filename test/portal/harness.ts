import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import type { Identity, Portals } from '../../src/config/types.js'
import errors from '../../src/http/errors.js'
import { registerUserFeatures } from '../../src/app.js'
import { startFakeProviders, type FakeProviders } from '../fakes/providers.mjs'
import { AUDIENCE, HS_SECRET, ISSUER, signToken } from './tokens.js'

export const KEYS = { userhub: 'uh_admin_key_do_not_log', chargebee: 'test_cb_key_do_not_log', stripe: 'sk_test_do_not_log_4242' }
export const CONNECTION_ID = 'conn_26yE8hFz'
export const SIGN_IN_URL = 'https://app.example.com/sign-in'
export const APP_ORIGIN = 'https://app.example.com'

export const identityConfig: Identity = {
  jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, cookie: 'session' },
  signInUrl: SIGN_IN_URL,
  allowedOrigins: [APP_ORIGIN]
}

export interface PortalHarness {
  app: FastifyInstance
  fake: FakeProviders
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>
  /** The raw log output, for "never logged" assertions. */
  logText: () => string
  /** A session cookie for this user, with extra claims. */
  cookieFor: (sub: string, claims?: Record<string, unknown>) => Promise<string>
}

/** The errors plugin, the identity service and the portals on a bare app, with every provider pointed at the fakes. */
export async function portalHarness (t: Test, portals: (fakeUrl: string) => Portals, identity: Identity = identityConfig): Promise<PortalHarness> {
  const fake = await startFakeProviders({ keys: KEYS, customers: ['cb_1', 'cus_1'], userhubConnectionId: CONNECTION_ID })
  t.teardown(() => fake.close())
  const chunks: string[] = []
  const stream = new Writable({
    write (chunk, _encoding, callback) {
      chunks.push(String(chunk))
      callback()
    }
  })
  const app = Fastify({ logger: { level: 'info', stream } })
  await app.register(errors)
  await registerUserFeatures(app, { identity, portals: portals(fake.url) }, {})
  t.teardown(() => app.close())
  return {
    app,
    fake,
    get logs () {
      return chunks.join('').split('\n').filter(line => line !== '').map(line => JSON.parse(line))
    },
    logText: () => chunks.join(''),
    cookieFor: async (sub, claims = {}) => `session=${await signToken(sub, { claims })}`
  }
}

/** The last log line with this message. */
export function logLine (harness: PortalHarness, msg: string): Record<string, unknown> | undefined {
  return harness.logs.filter(line => line.msg === msg).at(-1)
}
