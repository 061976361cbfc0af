import { fastifyCookie } from '@fastify/cookie'
import Fastify, { type FastifyInstance } from 'fastify'
import { exportSPKI, generateKeyPair, SignJWT } from 'jose'
import t from 'tap'
import type { Identity as IdentityConfig } from '../../src/config/types.js'
import identity, { type IdentityPluginOptions } from '../../src/identity/identity.js'
import { AUDIENCE, HS_SECRET, ISSUER, JwksServer, rsaKey, signToken, unsignedToken } from '../portal/tokens.js'

const SIGN_IN = 'https://app.example.com/sign-in'
const COOKIE_SECRET = 'cookie-secret-that-is-at-least-32-characters'

async function appWith (config: Omit<IdentityConfig, 'signInUrl'> & { signInUrl?: string }, options: Partial<IdentityPluginOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(identity, { config: { signInUrl: SIGN_IN, ...config }, ...options })
  app.get('/whoami', async request => ({ identity: await request.identify() }))
  app.get('/sign-in-redirect', async request => ({ url: app.identifier.signInRedirect(request) }))
  return app
}

async function whoami (app: FastifyInstance, headers: Record<string, string>): Promise<{ userId: string, claims: Record<string, unknown> } | null> {
  const response = await app.inject({ url: '/whoami', headers })
  return response.json().identity
}

const hsConfig = { jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, cookie: 'psg_auth_token' } }

t.test('HS256 JWT: a valid token identifies sub and exposes the other claims', async t => {
  const app = await appWith(hsConfig)
  const token = await signToken('auth0|123', { claims: { stripe_customer: 'cus_1' } })
  const viaBearer = await whoami(app, { authorization: `Bearer ${token}` })
  t.equal(viaBearer?.userId, 'auth0|123')
  t.equal(viaBearer?.claims.stripe_customer, 'cus_1')
  t.equal(viaBearer?.claims.iss, ISSUER)
  const viaCookie = await whoami(app, { cookie: `other=1; psg_auth_token=${token}` })
  t.equal(viaCookie?.userId, 'auth0|123')
})

t.test('HS256 JWT: expired, wrong audience, wrong issuer, wrong secret, alg none and no sub are refused', async t => {
  const app = await appWith(hsConfig)
  const refused = {
    expired: await signToken('u1', { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
    wrongAudience: await signToken('u1', { audience: 'other_app' }),
    wrongIssuer: await signToken('u1', { issuer: 'https://evil.example.com/' }),
    wrongSecret: await signToken('u1', { key: new TextEncoder().encode('another-secret-that-is-32-characters-long') }),
    algNone: unsignedToken('u1'),
    noSub: await signToken(undefined),
    emptySub: await signToken(''),
    garbage: 'not.a.jwt',
    huge: `${'a'.repeat(20_000)}.b.c`
  }
  for (const [name, token] of Object.entries(refused)) {
    t.equal(await whoami(app, { authorization: `Bearer ${token}` }), null, `${name} via bearer`)
    t.equal(await whoami(app, { cookie: `psg_auth_token=${token}` }), null, `${name} via cookie`)
  }
})

t.test('HS256 JWT: iss and aud must be present, nbf and exp hold within the clock tolerance, unknown crit is refused', async t => {
  const app = await appWith({ jwt: { ...hsConfig.jwt, clockToleranceSeconds: 30 } })
  const secret = new TextEncoder().encode(HS_SECRET)
  const now = Math.floor(Date.now() / 1000)
  const token = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> =>
    // The signer is told it understands x-must; a verifier that does not must refuse the token.
    await new SignJWT({ sub: 'u1', ...claims }).setProtectedHeader({ alg: 'HS256', ...header }).sign(secret, { crit: { 'x-must': true } })
  const cases: Array<[string, string, string | null]> = [
    ['no iss', await token({ aud: AUDIENCE, exp: now + 600 }), null],
    ['no aud', await token({ iss: ISSUER, exp: now + 600 }), null],
    ['aud among several', await token({ iss: ISSUER, aud: ['other', AUDIENCE], exp: now + 600 }), 'u1'],
    ['no exp', await token({ iss: ISSUER, aud: AUDIENCE }), 'u1'],
    ['expired 10 s ago, inside the 30 s tolerance', await token({ iss: ISSUER, aud: AUDIENCE, exp: now - 10 }), 'u1'],
    ['expired 60 s ago', await token({ iss: ISSUER, aud: AUDIENCE, exp: now - 60 }), null],
    ['nbf in 10 s, inside the tolerance', await token({ iss: ISSUER, aud: AUDIENCE, nbf: now + 10 }), 'u1'],
    ['nbf in 60 s', await token({ iss: ISSUER, aud: AUDIENCE, nbf: now + 60 }), null],
    ['an unknown crit header', await token({ iss: ISSUER, aud: AUDIENCE }, { crit: ['x-must'], 'x-must': 1 }), null],
    ['HS384', await new SignJWT({ sub: 'u1', iss: ISSUER, aud: AUDIENCE }).setProtectedHeader({ alg: 'HS384' }).sign(secret), null]
  ]
  for (const [name, jwt, expected] of cases) {
    t.equal((await whoami(app, { authorization: `Bearer ${jwt}` }))?.userId ?? null, expected, name)
  }
})

t.test('HS256 JWT: the bearer header wins; a non-bearer Authorization falls back to the cookie', async t => {
  const app = await appWith(hsConfig)
  const alice = await signToken('alice')
  const bob = await signToken('bob')
  t.equal((await whoami(app, { authorization: `bearer ${alice}`, cookie: `psg_auth_token=${bob}` }))?.userId, 'alice')
  t.equal((await whoami(app, { authorization: 'Basic dXNlcjpwYXNz', cookie: `psg_auth_token=${bob}` }))?.userId, 'bob')
  t.equal(await whoami(app, {}), null)
  t.equal(await whoami(app, { cookie: 'unrelated=1' }), null)
})

t.test('HS256 JWT: bearer false ignores the header; no cookie name ignores cookies', async t => {
  const token = await signToken('alice')
  const cookieOnly = await appWith({ jwt: { ...hsConfig.jwt, bearer: false } })
  t.equal(await whoami(cookieOnly, { authorization: `Bearer ${token}` }), null)
  t.equal((await whoami(cookieOnly, { cookie: `psg_auth_token=${token}` }))?.userId, 'alice')
  const bearerOnly = await appWith({ jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE } })
  t.equal(await whoami(bearerOnly, { cookie: `psg_auth_token=${token}` }), null)
  t.equal((await whoami(bearerOnly, { authorization: `Bearer ${token}` }))?.userId, 'alice')
})

t.test('RS256 public key: verifies its own tokens and refuses HS256 tokens signed with the public key text', async t => {
  const key = await rsaKey('k1')
  const pem = await exportSPKI(key.publicKey)
  const app = await appWith({ jwt: { publicKey: pem, issuer: ISSUER, audience: AUDIENCE } })
  const good = await signToken('rsa-user', { key: key.privateKey, alg: 'RS256' })
  t.equal((await whoami(app, { authorization: `Bearer ${good}` }))?.userId, 'rsa-user')
  const confused = await signToken('attacker', { key: new TextEncoder().encode(pem) })
  t.equal(await whoami(app, { authorization: `Bearer ${confused}` }), null, 'algorithm confusion is refused')
  const explicit = await appWith({ jwt: { publicKey: pem, algorithm: 'RS256', issuer: ISSUER, audience: AUDIENCE } })
  t.equal((await whoami(explicit, { authorization: `Bearer ${good}` }))?.userId, 'rsa-user')
})

t.test('ES256, PS256 and EdDSA public keys verify their own tokens and refuse the other algorithms', async t => {
  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
    const app = await appWith({ jwt: { publicKey: await exportSPKI(publicKey), algorithm: alg, issuer: ISSUER, audience: AUDIENCE } })
    const good = await signToken(`${alg}-user`, { key: privateKey, alg })
    t.equal((await whoami(app, { authorization: `Bearer ${good}` }))?.userId, `${alg}-user`, `${alg} verifies`)
    const other = await generateKeyPair(alg)
    t.equal(await whoami(app, { authorization: `Bearer ${await signToken('x', { key: other.privateKey, alg })}` }), null, `${alg}: another key is refused`)
    const rsa = await rsaKey('k')
    t.equal(await whoami(app, { authorization: `Bearer ${await signToken('x', { key: rsa.privateKey, alg: 'RS256' })}` }), null, `${alg}: RS256 is refused`)
  }
})

t.test('a public key that cannot be used fails at load, not on the first request', async t => {
  const rsa = await exportSPKI((await rsaKey('k')).publicKey)
  await t.rejects(appWith({ jwt: { publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', issuer: ISSUER, audience: AUDIENCE } }), 'not a key')
  await t.rejects(appWith({ jwt: { publicKey: rsa, algorithm: 'ES256', issuer: ISSUER, audience: AUDIENCE } }), 'an RSA key for ES256')
})

t.test('JWKS: keys come from the URL, rotation is picked up, retired and unknown keys are refused', async t => {
  const jwks = new JwksServer()
  const jwksUrl = await jwks.start()
  t.teardown(() => jwks.close())
  const first = await rsaKey('key-1')
  const second = await rsaKey('key-2')
  jwks.keys = [first]
  const app = await appWith({ jwt: { jwksUrl, issuer: ISSUER, audience: AUDIENCE } }, { jwksOptions: { cooldownDuration: 0 } })

  const tokenOne = await signToken('user-1', { key: first.privateKey, alg: 'RS256', kid: 'key-1' })
  t.equal((await whoami(app, { authorization: `Bearer ${tokenOne}` }))?.userId, 'user-1')
  t.equal((await whoami(app, { authorization: `Bearer ${tokenOne}` }))?.userId, 'user-1')
  t.equal(jwks.fetches, 1, 'keys are cached')

  jwks.keys = [second]
  const tokenTwo = await signToken('user-2', { key: second.privateKey, alg: 'RS256', kid: 'key-2' })
  t.equal((await whoami(app, { authorization: `Bearer ${tokenTwo}` }))?.userId, 'user-2', 'a new kid triggers a refetch')
  t.equal(jwks.fetches, 2)
  t.equal(await whoami(app, { authorization: `Bearer ${tokenOne}` }), null, 'a retired key no longer verifies')

  const forged = await signToken('user-3', { key: (await rsaKey('key-2')).privateKey, alg: 'RS256', kid: 'key-2' })
  t.equal(await whoami(app, { authorization: `Bearer ${forged}` }), null, 'a known kid with another key is refused')
  const hs = await signToken('user-4', { kid: 'key-2' })
  t.equal(await whoami(app, { authorization: `Bearer ${hs}` }), null, 'HS256 is never accepted with a JWKS')
})

t.test('JWKS: an unreachable key server means not signed in, not a crash', async t => {
  const jwks = new JwksServer()
  const jwksUrl = await jwks.start()
  await jwks.close()
  const app = await appWith({ jwt: { jwksUrl, issuer: ISSUER, audience: AUDIENCE } })
  const key = await rsaKey('k')
  const token = await signToken('u', { key: key.privateKey, alg: 'RS256', kid: 'k' })
  t.equal(await whoami(app, { authorization: `Bearer ${token}` }), null)
})

t.test('signed cookie: a user id or JSON claims signed with the secret; tampering is refused', async t => {
  const app = await appWith({ signedCookie: { name: 'session', secret: COOKIE_SECRET } })
  const signed = (value: string, secret = COOKIE_SECRET): string => encodeURIComponent(fastifyCookie.sign(value, secret))
  t.same(await whoami(app, { cookie: `session=${signed('user-7')}` }), { userId: 'user-7', claims: { sub: 'user-7' } })
  const claims = await whoami(app, { cookie: `session=${signed(JSON.stringify({ sub: 'user-8', customer: 'cus_8' }))}` })
  t.same(claims, { userId: 'user-8', claims: { sub: 'user-8', customer: 'cus_8' } })

  const good = fastifyCookie.sign('user-7', COOKIE_SECRET)
  const [value, signature] = good.split('.') as [string, string]
  const refused = {
    tamperedValue: encodeURIComponent(`user-8.${signature}`),
    tamperedSignature: encodeURIComponent(`${value}.${signature.slice(0, -2)}AA`),
    unsigned: 'user-7',
    wrongSecret: signed('user-7', 'another-cookie-secret-of-32-characters!!'),
    empty: signed(''),
    jsonWithoutSub: signed('{"customer":"cus_1"}'),
    jsonNull: signed('{"sub":null}'),
    brokenJson: signed('{"sub":')
  }
  for (const [name, cookie] of Object.entries(refused)) {
    t.equal(await whoami(app, { cookie: `session=${cookie}` }), null, name)
  }
  t.equal(await whoami(app, {}), null, 'no cookie')
})

t.test('sign-in redirect: full URL from publicUrl or an allowed Host, else the path only', async t => {
  const signInUrl = async (app: FastifyInstance, host: string): Promise<URL> =>
    new URL((await app.inject({ url: '/sign-in-redirect?portalUrl=/x', headers: { host } })).json().url)

  const withPublic = await appWith({ ...hsConfig, publicUrl: 'https://auth.example.com', returnParam: 'next' })
  const one = await signInUrl(withPublic, 'evil.com')
  t.equal(one.origin + one.pathname, SIGN_IN)
  t.equal(one.searchParams.get('next'), 'https://auth.example.com/sign-in-redirect?portalUrl=/x')

  const withAllowlist = await appWith({ ...hsConfig, allowedOrigins: ['http://auth.example.com'] })
  t.equal((await signInUrl(withAllowlist, 'auth.example.com')).searchParams.get('redirect_url'), 'http://auth.example.com/sign-in-redirect?portalUrl=/x')
  t.equal((await signInUrl(withAllowlist, 'evil.com')).searchParams.get('redirect_url'), '/sign-in-redirect?portalUrl=/x', 'a foreign Host header only yields a path')
})
