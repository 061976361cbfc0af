/**
 * better-auth: `databaseHooks.user.create.before` asks auth-hooks' native preSignup hook before
 * better-auth inserts a user (email sign-up, first social sign-in, magic link…).
 *
 *   import { betterAuth } from 'better-auth'
 *   import { APIError } from 'better-auth/api'
 *   import { authHooksUserCreateBefore } from './auth-hooks.mjs' // this file
 *
 *   export const auth = betterAuth({
 *     databaseHooks: { user: { create: { before: authHooksUserCreateBefore({ APIError }) } } },
 *     plugins: [admin()] // optional: gives users the `role` field the roles are written to
 *   })
 *
 * Environment: AUTH_HOOKS_URL (the hook's full URL, e.g. https://auth-hooks.internal/signup-hook),
 * AUTH_HOOKS_SECRET (one of auth-hooks' `caller.bearer.secrets`), AUTH_HOOKS_TIMEOUT_MS (optional,
 * default 3000).
 *
 * Fails closed: a timeout, a network error, a 5xx, a refused secret or an unparseable answer
 * throws APIError('SERVICE_UNAVAILABLE'); a policy deny throws APIError('FORBIDDEN',
 * {code, message}) with the rule's code and message, which better-auth answers to the client.
 * APIError is better-auth's class (`better-auth/api`), passed in so this file imports nothing;
 * without it the hook returns `false`, which better-auth also takes for "do not create" (the
 * client then gets better-auth's generic failure, without our message). Roles are merged into the
 * new user as `role` (the admin plugin's field), several joined by commas as that plugin stores
 * them; `roleField` names another field. Dependency-free: Node 18+'s global fetch.
 */

const UNAVAILABLE = 'Sign-up is unavailable right now, please try again later'

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

/** The native protocol's provider for the better-auth endpoint creating the user. */
function providerOf (ctx) {
  const path = typeof ctx?.path === 'string' ? ctx.path : ''
  if (path.startsWith('/sign-up/email') || path.startsWith('/magic-link') || path.startsWith('/email-otp')) return 'email'
  if (typeof ctx?.params?.id === 'string' && ctx.params.id !== '') return ctx.params.id // /callback/:id (social)
  if (typeof ctx?.body?.provider === 'string' && ctx.body.provider !== '') return ctx.body.provider // id-token sign-in
  return 'unknown'
}

/**
 * @param {object} [options]
 * @param {new (status: string, body: object) => Error} [options.APIError] better-auth's APIError
 * @param {Record<string, string | undefined>} [options.env] where the settings are read, default process.env
 * @param {string} [options.roleField] the user field the roles go to, default `role`
 * @returns the `databaseHooks.user.create.before` function
 */
export function authHooksUserCreateBefore ({ APIError, env = process.env, roleField = 'role' } = {}) {
  return async function userCreateBefore (user, ctx) {
    const { id, createdAt, updatedAt, ...fields } = user
    const answer = await askAuthHooks(
      { url: env.AUTH_HOOKS_URL, secret: env.AUTH_HOOKS_SECRET, timeoutMs: env.AUTH_HOOKS_TIMEOUT_MS },
      providerOf(ctx), { ...fields, email: user.email }, UNAVAILABLE)
    if (!answer.allow) {
      if (APIError === undefined) return false
      const status = answer.message === UNAVAILABLE ? 'SERVICE_UNAVAILABLE' : 'FORBIDDEN'
      throw new APIError(status, { code: answer.code, message: answer.message })
    }
    if (answer.roles.length === 0) return undefined
    return { data: { [roleField]: answer.roles.join(',') } }
  }
}
