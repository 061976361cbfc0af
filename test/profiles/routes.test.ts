import t from 'tap'
import { SignJWT } from 'jose'
import { backends } from '../helpers/backends.js'
import { buildUserApp, identityConfig } from '../helpers/user-app.js'
import { signToken } from '../portal/tokens.js'
import { bearerToken, matchesSecret, secretDigest } from '../../src/http/credentials.js'

const ADMIN_TOKEN = 'admin-token-0123456789-0123456789-abcdef'
const profiles = {
  schema: {
    type: 'object' as const,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100 },
      company: { type: 'string', maxLength: 100 },
      seats: { type: 'integer', minimum: 1, maximum: 1000 }
    }
  },
  maxBytes: 512
}

const { list, skipped } = backends()
if (skipped !== null) t.comment(skipped)

for (const backend of list) {
  t.test(`registration callback on ${backend.name}`, async t => {
    t.teardown(() => backend.cleanup())
    const app = await buildUserApp({ identity: identityConfig, profiles, admin: { token: ADMIN_TOKEN } }, await backend.fresh())
    t.teardown(() => app.close())
    const ada = { authorization: `Bearer ${await signToken('user_ada')}` }

    t.test('the signed-in user saves and reads their fields, keyed by the provider user id', async t => {
      const before = Date.now()
      const saved = await app.inject({ method: 'POST', url: '/users/me', headers: ada, payload: { name: 'Ada', seats: 3 } })
      t.equal(saved.statusCode, 200)
      const body = saved.json()
      t.same(body.profile, { name: 'Ada', seats: 3 })
      t.equal(body.userId, 'user_ada')
      t.ok(Date.parse(body.createdAt) >= before - 1000)
      const again = await app.inject({ method: 'POST', url: '/users/me', headers: ada, payload: { name: 'Ada L.', company: 'ACME' } })
      t.equal(again.statusCode, 200)
      t.same(again.json().profile, { name: 'Ada L.', company: 'ACME' }, 'the record is replaced (upsert), not merged')
      t.equal(again.json().createdAt, body.createdAt, 'createdAt is kept')
      const read = await app.inject({ method: 'GET', url: '/users/me', headers: ada })
      t.same(read.json(), again.json())
    })

    t.test('the JWT may come from the psg_auth_token cookie', async t => {
      const res = await app.inject({ method: 'GET', url: '/users/me', cookies: { psg_auth_token: await signToken('user_ada') } })
      t.equal(res.statusCode, 200)
      t.equal(res.json().userId, 'user_ada')
    })

    t.test('no profile yet: 404', async t => {
      const res = await app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${await signToken('user_new')}` } })
      t.equal(res.statusCode, 404)
      t.equal(res.json().code, 'not-found')
    })

    t.test('no token, a forged token or an expired one: 401, nothing saved', async t => {
      const forged = await new SignJWT({ sub: 'user_eve' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://id.example.com/').setAudience('app_123').setExpirationTime('10m')
        .sign(new TextEncoder().encode('another-secret-that-is-at-least-32-characters'))
      const expired = await signToken('user_eve', { expiresIn: Math.floor(Date.now() / 1000) - 60 })
      for (const headers of [{}, { authorization: `Bearer ${forged}` }, { authorization: `Bearer ${expired}` }]) {
        const res = await app.inject({ method: 'POST', url: '/users/me', headers, payload: { name: 'Eve' } })
        t.equal(res.statusCode, 401)
        t.same(res.json(), { code: 'unauthenticated', message: 'Sign in first: no valid session token' })
      }
      const admin = await app.inject({ method: 'GET', url: '/admin/users/user_eve', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      t.equal(admin.statusCode, 404)
    })

    t.test('fields outside the schema are refused with 400 and nothing is stored', async t => {
      const bob = { authorization: `Bearer ${await signToken('user_bob')}` }
      const cases: Array<[unknown, string, string]> = [
        [{ name: 'Bob', role: 'admin' }, '/role', 'is not an accepted field'],
        [{ name: 'Bob', seats: '3' }, '/seats', 'must be integer'],
        [{ name: 'Bob', seats: 0 }, '/seats', 'must be >= 1'],
        [{ name: 'x'.repeat(101) }, '/name', 'must NOT have more than 100 characters'],
        [{ company: 'ACME' }, '/', "must have required property 'name'"]
      ]
      for (const [payload, path, message] of cases) {
        const res = await app.inject({ method: 'POST', url: '/users/me', headers: bob, payload: payload as object })
        t.equal(res.statusCode, 400, JSON.stringify(payload))
        t.equal(res.json().code, 'invalid-profile')
        t.same(res.json().detail, [{ path, message }])
      }
      const notObject = await app.inject({ method: 'POST', url: '/users/me', headers: bob, payload: ['Bob'] })
      t.equal(notObject.statusCode, 400)
      t.equal(notObject.json().code, 'invalid-request')
      const tooBig = await app.inject({ method: 'POST', url: '/users/me', headers: bob, payload: { name: 'B', company: 'x'.repeat(600) } })
      t.equal(tooBig.statusCode, 413)
      t.equal(tooBig.json().code, 'body-too-large')
      const proto = await app.inject({ method: 'POST', url: '/users/me', headers: { ...bob, 'content-type': 'application/json' }, payload: '{"name":"Bob","__proto__":{"admin":true}}' })
      t.equal(proto.statusCode, 400)
      t.equal((await app.inject({ method: 'GET', url: '/users/me', headers: bob })).statusCode, 404, 'nothing was saved')
    })

    t.test('admin read: separate bearer token, compared in constant time', async t => {
      const ok = await app.inject({ method: 'GET', url: '/admin/users/user_ada', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      t.equal(ok.statusCode, 200)
      t.same(ok.json().profile, { name: 'Ada L.', company: 'ACME' })
      for (const authorization of [undefined, `Bearer ${ADMIN_TOKEN}x`, ADMIN_TOKEN, `Bearer ${await signToken('user_ada')}`]) {
        const res = await app.inject({ method: 'GET', url: '/admin/users/user_ada', headers: authorization === undefined ? {} : { authorization } })
        t.equal(res.statusCode, 401, String(authorization).slice(0, 20))
        t.equal(res.json().code, 'unauthorized')
        t.equal(res.headers['www-authenticate'], 'Bearer')
      }
      const missing = await app.inject({ method: 'GET', url: '/admin/users/nobody', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      t.equal(missing.statusCode, 404)
    })
  })
}

t.test('without an admin section there is no admin route', async t => {
  const app = await buildUserApp({ identity: identityConfig, profiles }, { sqlitePath: ':memory:' })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/admin/users/user_ada', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'not-found')
})

t.test('without profiles, connect or chargebeeLogin: no store, no routes', async t => {
  const app = await buildUserApp({ identity: identityConfig }, { sqlitePath: '/nonexistent/never/created.db' })
  t.teardown(() => app.close())
  t.notOk(app.hasDecorator('store'))
  t.equal((await app.inject({ method: 'GET', url: '/users/me' })).statusCode, 404)
})

t.test('a profile schema Ajv cannot compile fails the start with a clear message', async t => {
  await t.rejects(buildUserApp({ identity: identityConfig, profiles: { schema: { type: 'object', properties: { a: { type: 'strnig' } } } } }, { sqlitePath: ':memory:' }),
    /profiles\.schema is not a usable JSON Schema/)
})

t.test('bearer tokens match in constant time', async t => {
  const accepted = [secretDigest('abc')]
  const bearerMatches = (header: string | undefined): boolean => matchesSecret(bearerToken(header), accepted)
  t.equal(bearerMatches('Bearer abc'), true)
  t.equal(bearerMatches('bearer abc'), true)
  t.equal(bearerMatches('Bearer abcd'), false)
  t.equal(bearerMatches('Basic abc'), false)
  t.equal(bearerMatches(undefined), false)
  t.equal(bearerMatches('Bearer '), false)
  t.equal(bearerMatches(`Bearer ${'a'.repeat(5000)}`), false, 'an over-long credential is refused unread')
  t.equal(matchesSecret(['abc'], accepted), false, 'a repeated header is no secret')
})
