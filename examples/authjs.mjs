/**
 * Auth.js (NextAuth v5, @auth/core): the `signIn` callback asks auth-hooks' native preSignup hook
 * at every sign-in (Auth.js has no separate sign-up step; with JWT sessions each sign-in makes
 * the token anew), and the `jwt` / `session` callbacks carry the roles it answered.
 *
 *   import NextAuth from 'next-auth'
 *   import { authHooksCallbacks } from './auth-hooks.mjs' // this file
 *
 *   export const { handlers, auth } = NextAuth({ providers: [...], callbacks: authHooksCallbacks() })
 *
 * Environment: AUTH_HOOKS_URL (the hook's full URL, e.g. https://auth-hooks.internal/signup-hook),
 * AUTH_HOOKS_SECRET (one of auth-hooks' `caller.bearer.secrets`), AUTH_HOOKS_TIMEOUT_MS (optional,
 * default 3000).
 *
 * Fails closed: a timeout, a network error, a 5xx, a refused secret or an unparseable answer
 * returns false from `signIn`, as does a policy deny; Auth.js then sends the user to its error
 * page with `?error=AccessDenied`. Auth.js has no channel for a message: pass `deniedUrl` (a page
 * of your app, e.g. '/signin/denied') and a deny redirects there with `?code=…&message=…` — the
 * rule's code and message, or `auth-hooks-…` and a "try again later" text.
 * Roles: `token.roles` in the JWT and `session.user.roles` in the session, a list (empty when the
 * policy gives none), made anew at every sign-in (JWT sessions; with
 * database sessions Auth.js skips the `jwt` callback, so store the roles in your adapter instead).
 * Auth.js hands `signIn` and `jwt` the same `account` object, which keys the hand-over.
 * Dependency-free: Node 18+'s global fetch.
 */

const UNAVAILABLE = 'Sign-in is unavailable right now, please try again later'

/**
 * Asks auth-hooks' native hook (POST {"provider","data"}). Resolves {allow: true, roles} only for
 * a 2xx {"roles": [strings]}; anything else is {allow: false, code, message}: the rule's code and
 * message for a policy deny (a 4xx), else `unavailable` (timeout, network error, 5xx, 401, a body
 * that is not that JSON, missing settings).
 */
async function askAuthHooks ({ url, secret, timeoutMs }, provider, data, unavailable) {
  const fail = code => ({ allow: false, code, message: unavailable })
  if (!url || !secret) return fail('auth-hooks-not-configured')
  let res
  let body
  try {
    res = await fetch(url, {
      method: 'POST',
      signal: AbortSignal.timeout(Number(timeoutMs) > 0 ? Number(timeoutMs) : 3000),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ provider, data })
    })
  } catch (error) {
    return fail(error?.name === 'TimeoutError' ? 'auth-hooks-timeout' : 'auth-hooks-unreachable')
  }
  try {
    body = await res.json() // the timeout covers the body too
  } catch (error) {
    return fail(error?.name === 'TimeoutError' ? 'auth-hooks-timeout' : 'auth-hooks-bad-answer')
  }
  const ok = body !== null && typeof body === 'object'
  if (res.ok && ok && Array.isArray(body.roles) && body.roles.every(role => typeof role === 'string')) {
    return { allow: true, roles: body.roles }
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 401 && ok && typeof body.message === 'string' && body.message !== '') {
    return { allow: false, code: typeof body.code === 'string' ? body.code : 'denied', message: body.message }
  }
  return fail(`auth-hooks-status-${res.status}`)
}

/** The native protocol's provider for an Auth.js account: `email` for email (magic link) providers. */
function providerOf (account) {
  if (account?.type === 'email') return 'email'
  return typeof account?.provider === 'string' && account.provider !== '' ? account.provider : 'unknown'
}

/**
 * @param {object} [options]
 * @param {Record<string, string | undefined>} [options.env] where the settings are read, default process.env
 * @param {string} [options.deniedUrl] a page a deny redirects to with ?error=AccessDenied&code=…&message=…
 * @returns {{ signIn: Function, jwt: Function, session: Function }} Auth.js `callbacks`
 */
export function authHooksCallbacks ({ env = process.env, deniedUrl } = {}) {
  const rolesOf = new WeakMap() // account object → roles, from signIn to jwt within one sign-in
  return {
    async signIn ({ user, account, profile }) {
      const answer = await askAuthHooks(
        { url: env.AUTH_HOOKS_URL, secret: env.AUTH_HOOKS_SECRET, timeoutMs: env.AUTH_HOOKS_TIMEOUT_MS },
        providerOf(account), { ...profile, name: user?.name ?? undefined, email: user?.email ?? undefined }, UNAVAILABLE)
      if (!answer.allow) {
        if (deniedUrl === undefined) return false
        const query = new URLSearchParams({ error: 'AccessDenied', code: answer.code, message: answer.message })
        return `${deniedUrl}${deniedUrl.includes('?') ? '&' : '?'}${query}`
      }
      if (account !== null && typeof account === 'object') rolesOf.set(account, answer.roles)
      return true
    },
    async jwt ({ token, account }) {
      if (account !== null && typeof account === 'object' && rolesOf.has(account)) token.roles = rolesOf.get(account)
      return token
    },
    async session ({ session, token }) {
      if (Array.isArray(token?.roles) && session?.user) session.user.roles = token.roles
      return session
    }
  }
}
