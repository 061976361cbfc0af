// Issue 16: profiles and the account list called from a front end on another origin. OPTIONS used
// to be 405; identity.allowedOrigins now get CORS (with credentials), every other origin nothing.
import t from 'tap'
import { buildUserApp, identityConfig } from '../helpers/user-app.js'
import { signToken } from '../portal/tokens.js'

const APP = 'https://app.example.com'

t.test('CORS on /users/me and /me/accounts for identity.allowedOrigins only', async t => {
  const app = await buildUserApp({
    identity: { ...identityConfig, allowedOrigins: [APP] },
    profiles: { schema: { type: 'object', properties: { name: { type: 'string' } } } },
    connect: {
      apiUrl: 'http://127.0.0.1:1',
      apiKey: 'k',
      publicUrl: 'https://auth.example.com',
      successRedirectUrl: 'https://app.example.com/ok',
      failureRedirectUrl: 'https://app.example.com/failed',
      webhookSecret: 'webhook-secret-0123456789'
    }
  }, { sqlitePath: ':memory:' })
  t.teardown(() => app.close())
  const ada = `Bearer ${await signToken('user_ada')}`

  const preflight = await app.inject({ method: 'OPTIONS', url: '/users/me', headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } })
  t.equal(preflight.statusCode, 204)
  t.match(preflight.headers, {
    'access-control-allow-origin': APP,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': 'authorization, content-type',
    vary: 'Origin'
  })

  const saved = await app.inject({ method: 'POST', url: '/users/me', headers: { origin: APP, authorization: ada }, payload: { name: 'Ada' } })
  t.equal(saved.statusCode, 200)
  t.equal(saved.headers['access-control-allow-origin'], APP)
  const accounts = await app.inject({ method: 'GET', url: '/me/accounts', headers: { origin: APP, authorization: ada } })
  t.same([accounts.statusCode, accounts.headers['access-control-allow-origin']], [200, APP])
  const accountsPreflight = await app.inject({ method: 'OPTIONS', url: '/me/accounts', headers: { origin: APP, 'access-control-request-method': 'GET' } })
  t.equal(accountsPreflight.headers['access-control-allow-methods'], 'GET')

  for (const headers of [{ origin: 'https://evil.example', 'access-control-request-method': 'POST' }, { origin: APP, 'access-control-request-method': 'DELETE' }, { origin: APP }]) {
    const refused = await app.inject({ method: 'OPTIONS', url: '/users/me', headers })
    t.equal(refused.statusCode, 403, JSON.stringify(headers))
    t.equal(refused.json().code, 'origin-not-allowed')
    t.equal(refused.headers['access-control-allow-origin'], undefined)
  }
  const foreign = await app.inject({ method: 'GET', url: '/users/me', headers: { origin: 'https://evil.example', authorization: ada } })
  t.equal(foreign.headers['access-control-allow-origin'], undefined, 'another origin cannot read the answer')
  t.equal(foreign.headers.vary, 'Origin')
})
