/**
 * Firebase Authentication with Identity Platform: a `beforeUserCreated` blocking function
 * (firebase-functions v2) asks auth-hooks' native preSignup hook before Firebase creates a user.
 *
 *   // functions/index.js (ESM: "type": "module" in functions/package.json)
 *   import { beforeUserCreated, HttpsError } from 'firebase-functions/v2/identity'
 *   import { defineSecret } from 'firebase-functions/params'
 *   import { authHooksBeforeUserCreated } from './auth-hooks.mjs' // this file
 *
 *   export const authhooks = beforeUserCreated(
 *     { secrets: [defineSecret('AUTH_HOOKS_SECRET')] },
 *     authHooksBeforeUserCreated({ HttpsError }))
 *
 * Settings: AUTH_HOOKS_SECRET as a Secret Manager secret (`firebase functions:secrets:set
 * AUTH_HOOKS_SECRET`, one of auth-hooks' `caller.bearer.secrets`; Firebase exposes a secret the
 * function declares as an environment variable), AUTH_HOOKS_URL (the hook's full URL, e.g.
 * https://auth-hooks.example.com/signup-hook) and optionally AUTH_HOOKS_TIMEOUT_MS (default 3000;
 * Firebase waits 7 s) in functions/.env.
 *
 * Fails closed: a timeout, a network error, a 5xx, a refused secret or an unparseable answer
 * throws HttpsError('unavailable'); a policy deny throws HttpsError('permission-denied', message,
 * {code}); firebase-functions answers either as an error status the client SDK reports as a failed
 * sign-up. HttpsError must be firebase-functions' own class: its wrapper turns any other thrown
 * value into 'internal' "An unexpected error occurred." (still a deny, but without our message),
 * so it is passed in and this file imports nothing. Roles go to the user's custom claims
 * (`customClaims.roles`, in every ID token as `roles`), merged with any claims already there.
 * The returned handler takes one argument: firebase-functions treats a two-argument handler as a
 * v1 (user, context) one. Dependency-free: Node 18+'s global fetch.
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

/** The native protocol's provider: `email` for Firebase's password and email-link sign-up. */
function providerOf (event) {
  const id = event?.additionalUserInfo?.providerId
  if (id === 'password' || id === 'emailLink') return 'email'
  return typeof id === 'string' && id !== '' ? id : 'unknown' // google.com, phone, github.com…
}

/**
 * @param {object} options
 * @param {new (code: string, message: string, details?: unknown) => Error} options.HttpsError firebase-functions' HttpsError
 * @param {Record<string, string | undefined>} [options.env] where the settings are read, default process.env
 * @returns the `beforeUserCreated` handler, `(event) => Promise<{customClaims} | undefined>`
 */
export function authHooksBeforeUserCreated ({ HttpsError, env = process.env }) {
  return async function beforeCreate (event) {
    const user = event?.data ?? {}
    const answer = await askAuthHooks(
      { url: env.AUTH_HOOKS_URL, secret: env.AUTH_HOOKS_SECRET, timeoutMs: env.AUTH_HOOKS_TIMEOUT_MS },
      providerOf(event),
      { ...event?.additionalUserInfo?.profile, email: user.email, phone: user.phoneNumber, displayName: user.displayName, emailVerified: user.emailVerified },
      UNAVAILABLE)
    if (!answer.allow) {
      if (answer.message === UNAVAILABLE) throw new HttpsError('unavailable', answer.message, { code: answer.code })
      throw new HttpsError('permission-denied', answer.message, { code: answer.code })
    }
    if (answer.roles.length === 0) return undefined
    return { customClaims: { ...user.customClaims, roles: answer.roles } }
  }
}
