/**
 * Auth0 Action for the "Pre User Registration" trigger: every sign-up through a Database or
 * Passwordless connection asks auth-hooks (POST {"provider","data"} to the native preSignup hook)
 * before Auth0 creates the user.
 *
 * Paste this file as the Action's code (Actions run CommonJS: `exports.onExecute…`). Action →
 * Secrets:
 *   AUTH_HOOKS_URL         the hook's full URL, e.g. https://auth-hooks.example.com/signup-hook
 *   AUTH_HOOKS_SECRET      one of auth-hooks' `caller.bearer.secrets`
 *   AUTH_HOOKS_TIMEOUT_MS  optional, default 3000 (Auth0 gives the whole flow 20 s)
 *
 * Fails closed: a timeout, a network error, a 5xx, a refused secret (401) or an answer that is not
 * {"roles": [strings]} denies with a "try again later" message. A policy deny (4xx) denies with
 * the rule's `code` as the reason (tenant logs) and its `message` as the user message. Roles go to
 * `app_metadata.roles`; the post-login Action (auth0-post-login.cjs) puts them into the tokens.
 * Auth0 cannot set metadata on passwordless users here, so their roles are left out.
 * Dependency-free: Node 18+'s global fetch.
 */
'use strict'

const UNAVAILABLE = 'Sign-up is unavailable right now, please try again later'

/** The native protocol's provider for an Auth0 connection strategy. */
function providerOf (connection) {
  const strategy = connection && connection.strategy
  if (strategy === 'auth0' || strategy === 'email') return 'email' // database / passwordless email
  if (strategy === 'sms') return 'phone'
  return typeof strategy === 'string' && strategy !== '' ? strategy : 'unknown' // google-oauth2, samlp…
}

/**
 * Asks auth-hooks. Resolves {allow: true, roles} only for a 2xx {"roles": [strings]}; anything
 * else is {allow: false, code, message}, with the policy's message for a 4xx deny.
 */
async function askAuthHooks (secrets, provider, data, unavailable) {
  const fail = code => ({ allow: false, code, message: unavailable })
  const url = secrets.AUTH_HOOKS_URL
  const secret = secrets.AUTH_HOOKS_SECRET
  if (!url || !secret) return fail('auth-hooks-not-configured')
  const timeoutMs = Number(secrets.AUTH_HOOKS_TIMEOUT_MS) > 0 ? Number(secrets.AUTH_HOOKS_TIMEOUT_MS) : 3000
  let res
  let body
  try {
    res = await fetch(url, {
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ provider, data })
    })
  } catch (error) {
    return fail(error && error.name === 'TimeoutError' ? 'auth-hooks-timeout' : 'auth-hooks-unreachable')
  }
  try {
    body = await res.json() // the timeout covers the body too
  } catch (error) {
    return fail(error && error.name === 'TimeoutError' ? 'auth-hooks-timeout' : 'auth-hooks-bad-answer')
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

/**
 * @param {object} event Auth0's pre-user-registration event (user, connection, secrets…)
 * @param {object} api   its API object (access.deny, user.setAppMetadata…)
 */
exports.onExecutePreUserRegistration = async (event, api) => {
  const user = event.user || {}
  const answer = await askAuthHooks(event.secrets || {}, providerOf(event.connection), {
    ...user.user_metadata,
    email: user.email,
    phone: user.phone_number,
    username: user.username
  }, UNAVAILABLE)
  if (!answer.allow) {
    api.access.deny(answer.code, answer.message)
    return
  }
  const passwordless = event.connection && (event.connection.strategy === 'email' || event.connection.strategy === 'sms')
  if (answer.roles.length > 0 && !passwordless) api.user.setAppMetadata('roles', answer.roles)
}
