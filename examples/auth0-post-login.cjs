/**
 * Auth0 Action for the "Login / Post Login" trigger: every login (and refresh-token exchange)
 * asks auth-hooks' native preLogin hook, then puts the user's roles into the ID and access tokens.
 *
 * Paste this file as the Action's code. Action → Secrets:
 *   AUTH_HOOKS_URL         the hook's full URL, e.g. https://auth-hooks.example.com/login-hook
 *   AUTH_HOOKS_SECRET      one of auth-hooks' `caller.bearer.secrets`
 *   AUTH_HOOKS_TIMEOUT_MS  optional, default 3000 (Auth0 gives the whole flow 20 s)
 *   AUTH_HOOKS_ROLES_CLAIM optional, default https://auth-hooks/roles (a namespaced claim)
 *
 * Fails closed: a timeout, a network error, a 5xx, a refused secret (401) or an answer that is not
 * {"roles": [strings]} denies the login. A policy deny (4xx) denies with the rule's `message`,
 * which Auth0 sends to the application as `error_description`. Roles: `app_metadata.roles` (set
 * by auth0-pre-user-registration.cjs) plus any the answer carries, as the custom claim
 * AUTH_HOOKS_ROLES_CLAIM on both tokens. Dependency-free: Node 18+'s global fetch.
 */
'use strict'

const UNAVAILABLE = 'Login is unavailable right now, please try again later'

function providerOf (connection) {
  const strategy = connection && connection.strategy
  if (strategy === 'auth0' || strategy === 'email') return 'email'
  if (strategy === 'sms') return 'phone'
  return typeof strategy === 'string' && strategy !== '' ? strategy : 'unknown'
}

// The same function as in auth0-pre-user-registration.cjs (each Action is pasted on its own).
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
    body = await res.json()
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
 * @param {object} event Auth0's post-login event (user, connection, secrets…)
 * @param {object} api   its API object (access.deny, idToken/accessToken.setCustomClaim…)
 */
exports.onExecutePostLogin = async (event, api) => {
  const user = event.user || {}
  const secrets = event.secrets || {}
  const answer = await askAuthHooks(secrets, providerOf(event.connection), {
    ...user.user_metadata,
    email: user.email,
    email_verified: user.email_verified,
    phone: user.phone_number,
    username: user.username
  }, UNAVAILABLE)
  if (!answer.allow) {
    api.access.deny(answer.message)
    return
  }
  const stored = user.app_metadata && Array.isArray(user.app_metadata.roles) ? user.app_metadata.roles : []
  const roles = [...new Set([...stored, ...answer.roles].filter(role => typeof role === 'string'))]
  if (roles.length === 0) return
  const claim = secrets.AUTH_HOOKS_ROLES_CLAIM || 'https://auth-hooks/roles'
  api.idToken.setCustomClaim(claim, roles)
  api.accessToken.setCustomClaim(claim, roles)
}
