/**
 * Supabase Auth calling auth-hooks, modelled on supabase/auth's own client code
 * (internal/hooks/hookshttp/hookshttp.go runHTTPHook and hookserrors.Check): real ports, real
 * Standard Webhooks signatures (a fresh webhook-id and timestamp per attempt), request bodies
 * from Supabase's documented payloads (../shared/reference/auth-systems.md §1).
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { mediaType, postRaw, serveConfig, type RawResponse } from './harness.js'

const SECRET = `v1,whsec_${Buffer.alloc(32, 7).toString('base64')}`
const WRONG = `whsec_${Buffer.alloc(32, 8).toString('base64')}`
const env = { SUPABASE_HOOK_SECRET: SECRET }

/** What the end user gets from Supabase: the request goes on (with the hook's output), or an error status and message. */
type Outcome = { ok: true, output: any } | { ok: false, status: number, message: string }

/** Supabase's reading of one hook answer (hookshttp.go + hookserrors.go); null = retry. */
function supabaseReads (response: RawResponse): Outcome | null {
  switch (response.status) {
    case 200: case 202: case 204: {
      if (response.status === 204 && response.headers['content-type'] === undefined) return { ok: true, output: null }
      if (mediaType(response.headers['content-type']) !== 'application/json') return { ok: false, status: 400, message: 'Invalid JSON response' }
      let body: any
      try { body = JSON.parse(response.text) } catch { return { ok: false, status: 500, message: 'Error unmarshaling JSON output.' } }
      const error = body?.error
      // hookserrors.check: an empty or absent message is no error at all.
      if (error !== undefined && error !== null && typeof error.message === 'string' && error.message !== '') {
        return { ok: false, status: error.http_code || 500, message: error.message }
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, status: 500, message: 'Error unmarshaling JSON output.' }
      return { ok: true, output: body }
    }
    case 429: case 503:
      return response.headers['retry-after'] === undefined ? { ok: false, status: 500, message: 'Service currently unavailable due to hook' } : null
    case 400: return { ok: false, status: 500, message: 'Invalid payload sent to hook' }
    case 401: return { ok: false, status: 500, message: 'Hook requires authorization token' }
    default: return { ok: false, status: 500, message: `Unexpected status code returned from hook: ${response.status}` }
  }
}

/** The custom-access-token checks on the output (tokens/service.go validateTokenClaims). */
const REQUIRED_CLAIMS = ['aud', 'exp', 'iat', 'sub', 'email', 'phone', 'role', 'aal', 'session_id', 'is_anonymous']

/** Supabase calling a hook: signed per attempt, at most 3 attempts. */
async function supabaseCalls (port: number, path: string, input: unknown, secret = SECRET): Promise<Outcome> {
  const payload = JSON.stringify(input)
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = randomUUID()
    const now = new Date()
    const signature = new Webhook(secret.replace(/^v1,/, '')).sign(id, now, payload)
    const response = await postRaw(port, path, payload, {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
      'accept-encoding': 'identity'
    })
    const outcome = supabaseReads(response)
    if (outcome !== null) return outcome
  }
  return { ok: false, status: 500, message: 'Service currently unavailable due to hook' }
}

const metadata = (name: string): Record<string, unknown> => ({ uuid: randomUUID(), time: '2026-11-21T09:14:03.482913Z', name, ip_address: '203.0.113.24' })

/** The documented before-user-created payload (v0hooks.go BeforeUserCreatedInput; e2e_test.go). */
function beforeUserCreated (user: Record<string, unknown>): unknown {
  return {
    metadata: metadata('before-user-created'),
    user: {
      id: '7c2a5e91-3d4b-4f6a-8e1c-5b9d0a7f3e28',
      aud: 'authenticated',
      role: '',
      email: 'ann@company.com',
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { accountType: 'merchant' },
      identities: [],
      created_at: '0001-01-01T00:00:00Z',
      updated_at: '0001-01-01T00:00:00Z',
      is_anonymous: false,
      ...user
    }
  }
}

function claims (extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'https://project.supabase.co/auth/v1',
    sub: '7c2a5e91-3d4b-4f6a-8e1c-5b9d0a7f3e28',
    aud: ['authenticated'],
    exp: 1795000000,
    iat: 1794996400,
    email: 'ann@company.com',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'], roles: ['admin'] },
    user_metadata: { accountType: 'merchant' },
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: 1794996400 }],
    session_id: 'b8f4c1d2-0000-4000-8000-000000000001',
    is_anonymous: false,
    ...extra
  }
}

const customAccessToken = (tokenClaims: Record<string, unknown>): unknown =>
  ({ metadata: metadata('customize-access-token'), user_id: tokenClaims.sub, claims: tokenClaims, authentication_method: 'password' })

t.test('Supabase before-user-created: users are created or refused as the policy says', async t => {
  const { app, port } = await serveConfig('conf/dialects/supabase.yaml', env)
  t.teardown(() => app.close())
  const signup = (user: Record<string, unknown>): Promise<Outcome> => supabaseCalls(port, '/supabase/before-user-created', beforeUserCreated(user))

  t.same(await signup({}), { ok: true, output: {} }, 'a company.com email sign-up is created')
  t.same(await signup({ email: 'ann@gmail.com' }), { ok: false, status: 403, message: 'Only users with company.com domain are allowed' })
  t.same(await signup({ email: 'ann@gmail.com', app_metadata: { provider: 'google', providers: ['google'] } }), { ok: true, output: {} }, 'the rule is for the email provider')
  t.same(await signup({ email: '', phone: '15551234567', app_metadata: { provider: 'phone' }, user_metadata: { email: 'fake@company.com' } }), { ok: true, output: {} },
    'a phone sign-up has no email, and a client-supplied one is not read as verified')
  t.same(await signup({ email: '', app_metadata: {}, user_metadata: {}, is_anonymous: true }), { ok: false, status: 403, message: 'Anonymous sign-ups are disabled' },
    'an anonymous sign-in (email "") is provider anonymous')
  t.same(await signup({ email: 'a'.repeat(1100) + '@company.com' }), { ok: false, status: 400, message: 'A field is longer than 1024 characters' })

  const unsigned = await postRaw(port, '/supabase/before-user-created', JSON.stringify(beforeUserCreated({})), { 'content-type': 'application/json' })
  t.equal(unsigned.status, 401)
  t.same(supabaseReads(unsigned), { ok: false, status: 500, message: 'Hook requires authorization token' }, 'an unsigned call fails closed')
  t.same(await supabaseCalls(port, '/supabase/before-user-created', beforeUserCreated({}), WRONG), { ok: false, status: 500, message: 'Hook requires authorization token' })

  const notSupabase = await supabaseCalls(port, '/supabase/before-user-created', { provider: 'email', data: { email: 'ann@company.com' } })
  t.match(notSupabase, { ok: false, status: 500, message: /^auth-hooks refused the hook request \(invalid-request\): Request body must be a Supabase before-user-created payload/ },
    "a body that is not Supabase's gets Supabase's own refusal")
  t.match(await supabaseCalls(port, '/supabase/before-user-created', beforeUserCreated({ user_metadata: { big: 'x'.repeat(70_000) } })),
    { ok: false, status: 500, message: /\(body-too-large\)/ }, '413 fails closed')
  t.match(await supabaseCalls(port, '/supabase/before-user-created', beforeUserCreated({ user_metadata: { deep: JSON.parse('['.repeat(40) + ']'.repeat(40)) } })),
    { ok: false, status: 500, message: /\(json-too-deep\)/ })
  const notJson = await postRaw(port, '/supabase/before-user-created', '{"metadata":', { 'content-type': 'application/json' })
  t.equal(notJson.status, 401, 'the caller check runs before the body is read')
})

t.test('Supabase custom-access-token: roles join the claims, every claim is echoed', async t => {
  const { app, port } = await serveConfig('conf/dialects/supabase.yaml', env)
  t.teardown(() => app.close())
  const token = async (tokenClaims: Record<string, unknown>): Promise<Outcome> => {
    const outcome = await supabaseCalls(port, '/supabase/custom-access-token', customAccessToken(tokenClaims))
    if (!outcome.ok) return outcome
    const missing = REQUIRED_CLAIMS.filter(claim => !(claim in (outcome.output.claims ?? {})))
    return missing.length === 0 ? outcome : { ok: false, status: 500, message: `missing claims ${missing.join(', ')}` }
  }

  const merchant = await token(claims())
  t.same(merchant, { ok: true, output: { claims: { ...claims(), app_metadata: { provider: 'email', providers: ['email'], roles: ['admin', 'merchant'] } } } },
    'the roles the token had are kept, the policy\'s added')
  const plain = claims({ user_metadata: {}, app_metadata: { provider: 'email' } })
  t.same(await token(plain), { ok: true, output: { claims: plain } }, 'no roles: the claims come back exactly')
  t.same(await token(claims({ email: 'ann@sub.blocked.example' })), { ok: false, status: 403, message: 'Logins from this domain are blocked' })
  t.match(await supabaseCalls(port, '/supabase/custom-access-token', { metadata: {}, user_id: 'x' }), { ok: false, status: 500, message: /custom-access-token payload/ })
})
