/**
 * examples/better-auth.mjs as better-auth calls it: `createWithHooks` in
 * packages/better-auth/src/db/with-hooks.ts awaits `user.create.before(user, ctx)`; `false` means
 * "do not create", `{data}` is merged into the user, a thrown error propagates to the endpoint,
 * which answers an APIError with its status and body.
 */
import t from 'tap'
import { DENY_MESSAGE, SECRET, SHORT_TIMEOUT_MS, endpoints } from './harness.js'

type Before = (user: Record<string, unknown>, ctx: unknown) => Promise<unknown>
const { authHooksUserCreateBefore } = await import(new URL('../../examples/better-auth.mjs', import.meta.url).href) as {
  authHooksUserCreateBefore: (options?: { APIError?: unknown, env?: Record<string, string>, roleField?: string }) => Before
}

/** better-call's APIError, as far as better-auth's endpoints read it: a status name and a JSON body. */
class APIError extends Error {
  constructor (readonly status: string, readonly body: { code?: string, message?: string } = {}) {
    super(body.message)
  }
}

type Outcome = { created: Record<string, unknown> } | { refused: string, body?: unknown }

/** with-hooks.ts createWithHooks, then the endpoint's error handling. */
async function betterAuthCreates (before: Before, user: Record<string, unknown>, ctx: unknown): Promise<Outcome> {
  let result: unknown
  try {
    result = await before(user, ctx)
  } catch (error) {
    if (error instanceof APIError) return { refused: error.status, body: error.body }
    throw error
  }
  if (result === false) return { refused: 'FAILED_TO_CREATE_USER' }
  if (typeof result === 'object' && result !== null && 'data' in result) return { created: { ...user, ...(result as { data: object }).data } }
  return { created: user }
}

const signUp = { path: '/sign-up/email', body: {}, params: {} }
const newUser = (fields: Record<string, unknown>): Record<string, unknown> =>
  ({ id: 'u1', name: 'Ann Lee', emailVerified: false, image: null, createdAt: new Date(), updatedAt: new Date(), ...fields })

t.test('better-auth user.create.before: who is created, with which role', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  const env = (url: string, timeout?: string): Record<string, string> =>
    ({ AUTH_HOOKS_URL: url, AUTH_HOOKS_SECRET: SECRET, ...(timeout === undefined ? {} : { AUTH_HOOKS_TIMEOUT_MS: timeout }) })
  const before = authHooksUserCreateBefore({ APIError, env: env(at.signup) })

  t.match(await betterAuthCreates(before, newUser({ email: 'ann@company.com' }), signUp), { created: { email: 'ann@company.com' } })
  t.notOk('role' in ((await betterAuthCreates(before, newUser({ email: 'ann@company.com' }), signUp)) as { created: object }).created, 'no roles: the user is unchanged')
  t.match(await betterAuthCreates(before, newUser({ email: 'ann@company.com', accountType: 'merchant' }), signUp),
    { created: { email: 'ann@company.com', role: 'merchant' } }, 'roles into the admin plugin\'s role field')
  t.match(await betterAuthCreates(authHooksUserCreateBefore({ APIError, env: env(at.signup), roleField: 'roles' }), newUser({ email: 'ann@company.com', accountType: 'merchant' }), signUp),
    { created: { roles: 'merchant' } }, 'or another field')
  t.same(await betterAuthCreates(before, newUser({ email: 'ann@gmail.com' }), signUp),
    { refused: 'FORBIDDEN', body: { code: 'invalid-email', message: DENY_MESSAGE } }, 'a policy deny: 403 with the rule\'s code and message')
  t.same(await betterAuthCreates(before, newUser({ email: 'ann@gmail.com' }), { path: '/callback/:id', params: { id: 'google' } }),
    { refused: 'FORBIDDEN', body: { code: 'invalid-email', message: DENY_MESSAGE } }, 'a social first sign-in is decided too')
  t.same(await betterAuthCreates(authHooksUserCreateBefore({ env: env(at.signup) }), newUser({ email: 'ann@gmail.com' }), signUp),
    { refused: 'FAILED_TO_CREATE_USER' }, 'without APIError: false, so better-auth does not create the user')

  for (const [what, url, code] of [
    ['unreachable', at.closed, 'auth-hooks-unreachable'],
    ['hanging', at.hanging, 'auth-hooks-timeout'],
    ['answering 500', at.failing, 'auth-hooks-status-500']
  ] as const) {
    t.same(await betterAuthCreates(authHooksUserCreateBefore({ APIError, env: env(url, SHORT_TIMEOUT_MS) }), newUser({ email: 'ann@company.com', accountType: 'merchant' }), signUp),
      { refused: 'SERVICE_UNAVAILABLE', body: { code, message: 'Sign-up is unavailable right now, please try again later' } }, `auth-hooks ${what}: not created`)
  }
  t.same(await betterAuthCreates(authHooksUserCreateBefore({ env: env(at.closed, SHORT_TIMEOUT_MS) }), newUser({ email: 'ann@company.com' }), signUp),
    { refused: 'FAILED_TO_CREATE_USER' }, 'unreachable, without APIError: not created')
  t.same(await betterAuthCreates(authHooksUserCreateBefore({ APIError, env: {} }), newUser({ email: 'ann@company.com' }), signUp),
    { refused: 'SERVICE_UNAVAILABLE', body: { code: 'auth-hooks-not-configured', message: 'Sign-up is unavailable right now, please try again later' } }, 'no settings: not created')
})
