/**
 * examples/authjs.mjs as @auth/core calls it (packages/core/src/lib/actions/callback/index.ts):
 * `handleAuthorized` awaits `callbacks.signIn({user, account, profile})`; a falsy answer throws
 * AccessDenied (the error page, `?error=AccessDenied`), a string is a redirect, a throw is an
 * error too; then, with JWT sessions, `callbacks.jwt({token, user, account, …})` gets the same
 * `account` object, and `callbacks.session({session, token})` shapes what the app reads.
 */
import t from 'tap'
import { DENY_MESSAGE, SECRET, SHORT_TIMEOUT_MS, endpoints } from './harness.js'

type Callback = (params: any) => Promise<any>
interface Callbacks { signIn: Callback, jwt: Callback, session: Callback }
const { authHooksCallbacks } = await import(new URL('../../examples/authjs.mjs', import.meta.url).href) as {
  authHooksCallbacks: (options?: { env?: Record<string, string>, deniedUrl?: string }) => Callbacks
}

type Outcome = { signedIn: true, session: any } | { signedIn: false, redirect: string }

/** One OAuth sign-in through Auth.js with a JWT session. */
async function authjsSignsIn (callbacks: Callbacks, user: Record<string, unknown>, provider = 'google'): Promise<Outcome> {
  const account = provider === 'email'
    ? { providerAccountId: user.email, userId: user.id, type: 'email', provider: 'nodemailer' }
    : { provider, type: 'oidc', providerAccountId: '1093', access_token: 'ya29…', token_type: 'bearer', id_token: 'eyJ…' }
  const profile = provider === 'email' ? undefined : { sub: '1093', email: user.email, email_verified: true, name: user.name, hd: 'company.com' }
  let authorized: unknown
  try {
    authorized = await callbacks.signIn({ user, account, profile })
  } catch {
    return { signedIn: false, redirect: '/api/auth/error?error=AccessDenied' }
  }
  if (authorized === false || authorized === undefined || authorized === null) return { signedIn: false, redirect: '/api/auth/error?error=AccessDenied' }
  if (typeof authorized === 'string') return { signedIn: false, redirect: authorized }
  const token = await callbacks.jwt({ token: { name: user.name, email: user.email, sub: user.id }, user, account, profile, isNewUser: true, trigger: 'signUp' })
  const session = await callbacks.session({ session: { user: { name: token.name, email: token.email }, expires: '2026-12-21T09:14:03.482Z' }, token })
  return { signedIn: true, session }
}

t.test('Auth.js callbacks: who signs in, roles in the token and session', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  const env = (url: string, timeout?: string): Record<string, string> =>
    ({ AUTH_HOOKS_URL: url, AUTH_HOOKS_SECRET: SECRET, ...(timeout === undefined ? {} : { AUTH_HOOKS_TIMEOUT_MS: timeout }) })
  const callbacks = authHooksCallbacks({ env: env(at.signup) })

  const allowed = { signedIn: true, session: { user: { name: 'Ann', email: 'ann@company.com', roles: [] }, expires: '2026-12-21T09:14:03.482Z' } }
  t.same(await authjsSignsIn(callbacks, { id: 'u1', name: 'Ann', email: 'ann@company.com' }), allowed, 'allowed (OAuth); no roles → an empty list')
  t.same(await authjsSignsIn(callbacks, { id: 'u1', name: 'Ann', email: 'ann@company.com' }, 'email'), allowed, 'allowed (email provider)')
  t.same(await authjsSignsIn(callbacks, { id: 'u1', name: 'Ann', email: 'ann@company.com' }, 'credentials'), allowed, 'allowed (credentials)')
  t.same(await authjsSignsIn(callbacks, { id: 'u1', name: 'Ann', email: 'ann@gmail.com' }), { signedIn: false, redirect: '/api/auth/error?error=AccessDenied' }, 'a policy deny: AccessDenied')
  t.same(await authjsSignsIn(callbacks, { id: 'u1', name: 'Ann', email: 'ann@gmail.com' }, 'email'), { signedIn: false, redirect: '/api/auth/error?error=AccessDenied' }, 'email provider too')
  const denied = await authjsSignsIn(authHooksCallbacks({ env: env(at.signup), deniedUrl: '/signin/denied' }), { id: 'u1', email: 'ann@gmail.com' }) as { redirect: string }
  t.same(Object.fromEntries(new URL(denied.redirect, 'https://app.example').searchParams), { error: 'AccessDenied', code: 'invalid-email', message: DENY_MESSAGE },
    'with deniedUrl: the rule\'s code and message in the redirect')
  t.ok(denied.redirect.startsWith('/signin/denied?'))

  for (const [what, url] of [['unreachable', at.closed], ['hanging', at.hanging], ['answering 500', at.failing], ['answering garbage', at.garbled]] as const) {
    t.same(await authjsSignsIn(authHooksCallbacks({ env: env(url, SHORT_TIMEOUT_MS) }), { id: 'u1', email: 'ann@company.com' }),
      { signedIn: false, redirect: '/api/auth/error?error=AccessDenied' }, `auth-hooks ${what}: not signed in`)
  }
  const unavailable = await authjsSignsIn(authHooksCallbacks({ env: env(at.closed, SHORT_TIMEOUT_MS), deniedUrl: '/signin/denied?from=x' }), { id: 'u1', email: 'ann@company.com' }) as { redirect: string }
  t.same(Object.fromEntries(new URL(unavailable.redirect, 'https://app.example').searchParams),
    { from: 'x', error: 'AccessDenied', code: 'auth-hooks-unreachable', message: 'Sign-in is unavailable right now, please try again later' })
})

t.test('Auth.js callbacks: roles from signIn reach jwt and session', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  const callbacks = authHooksCallbacks({ env: { AUTH_HOOKS_URL: at.signup, AUTH_HOOKS_SECRET: SECRET } })
  // An OAuth profile carrying the field a role rule reads (e.g. mapped by the provider's profile()).
  const account = { provider: 'google', type: 'oidc', providerAccountId: '1093' }
  t.equal(await callbacks.signIn({ user: { email: 'ann@company.com' }, account, profile: { accountType: 'merchant' } }), true)
  const token = await callbacks.jwt({ token: { email: 'ann@company.com' }, user: { email: 'ann@company.com' }, account, trigger: 'signUp' })
  t.same(token, { email: 'ann@company.com', roles: ['merchant'] }, 'token.roles')
  t.same(await callbacks.session({ session: { user: { email: 'ann@company.com' } }, token }), { user: { email: 'ann@company.com', roles: ['merchant'] } }, 'session.user.roles')
  t.same(await callbacks.jwt({ token }), token, 'later jwt calls (no account) keep the token as it is')
  t.same(await callbacks.jwt({ token: {}, account: { provider: 'google' } }), {}, 'an account signIn never saw gets no roles')
})
