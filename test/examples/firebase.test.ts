/**
 * examples/firebase-before-user-created.mjs as firebase-functions runs a v2 blocking handler
 * (src/common/providers/identity.ts wrapHandler): a one-argument handler gets
 * `{...authEventContext, data: authUserRecord}`; its answer's customClaims are checked (reserved
 * names, 1000 characters) and sent as `{userRecord: {customClaims, updateMask}}`; a thrown
 * HttpsError is answered with its status and `{error: toJSON()}`, anything else as 500 internal.
 */
import t from 'tap'
import { DENY_MESSAGE, SECRET, SHORT_TIMEOUT_MS, endpoints } from './harness.js'

type Handler = ((event: unknown) => Promise<unknown>) & { length: number }
const { authHooksBeforeUserCreated } = await import(new URL('../../examples/firebase-before-user-created.mjs', import.meta.url).href) as {
  authHooksBeforeUserCreated: (options: { HttpsError: unknown, env?: Record<string, string> }) => Handler
}

const STATUS: Record<string, { status: number, canonical: string }> = {
  'permission-denied': { status: 403, canonical: 'PERMISSION_DENIED' },
  unavailable: { status: 503, canonical: 'UNAVAILABLE' },
  internal: { status: 500, canonical: 'INTERNAL' }
}

/** firebase-functions' HttpsError (src/common/providers/https.ts), reduced to what wrapHandler reads. */
class HttpsError extends Error {
  constructor (readonly code: string, message: string, readonly details?: unknown) { super(message) }
  get httpErrorCode (): { status: number, canonicalName: string } {
    const entry = STATUS[this.code] as { status: number, canonical: string }
    return { status: entry.status, canonicalName: entry.canonical }
  }

  toJSON (): unknown {
    return { status: this.httpErrorCode.canonicalName, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) }
  }
}

/** What Identity Platform receives back from the function. */
async function firebaseRuns (handler: Handler, event: unknown): Promise<{ status: number, body: any }> {
  if (handler.length !== 1) throw new Error('firebase-functions would call this as a v1 (user, context) handler')
  try {
    const answer = await handler(event) as Record<string, unknown> | undefined
    if (answer === undefined) return { status: 200, body: {} }
    const claims = answer.customClaims as Record<string, unknown> | undefined
    if (claims !== undefined && (['aud', 'exp', 'iat', 'iss', 'firebase'].some(name => name in claims) || JSON.stringify(claims).length > 1000)) {
      throw new HttpsError('internal', 'customClaims refused')
    }
    return { status: 200, body: { userRecord: { ...answer, updateMask: Object.keys(answer).join(',') } } }
  } catch (error) {
    const httpError = error instanceof HttpsError ? error : new HttpsError('internal', 'An unexpected error occurred.')
    return { status: httpError.httpErrorCode.status, body: { error: httpError.toJSON() } }
  }
}

/** A beforeCreate event as wrapHandler builds it from the documented JWT payload. */
function beforeCreate (user: Record<string, unknown>, providerId = 'password', profile?: Record<string, unknown>): unknown {
  return {
    locale: 'en',
    ipAddress: '203.0.113.24',
    userAgent: 'Mozilla/5.0',
    eventId: 'Ia1c2',
    eventType: `providers/cloud.auth/eventTypes/user.beforeCreate:${providerId}`,
    authType: 'UNAUTHENTICATED',
    resource: { service: 'identitytoolkit.googleapis.com', name: 'projects/demo' },
    timestamp: 'Sat, 21 Nov 2026 09:14:03 GMT',
    additionalUserInfo: { providerId, profile, isNewUser: true },
    credential: null,
    params: {},
    data: {
      uid: 'Xy3uid',
      emailVerified: false,
      disabled: false,
      metadata: { creationTime: null, lastSignInTime: null },
      providerData: [],
      customClaims: undefined,
      tenantId: undefined,
      multiFactor: null,
      ...user
    }
  }
}

t.test('Firebase beforeUserCreated: who is created, with which custom claims', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  const env = (url: string, timeout?: string): Record<string, string> =>
    ({ AUTH_HOOKS_URL: url, AUTH_HOOKS_SECRET: SECRET, ...(timeout === undefined ? {} : { AUTH_HOOKS_TIMEOUT_MS: timeout }) })
  const handler = authHooksBeforeUserCreated({ HttpsError, env: env(at.signup) })
  t.equal(handler.length, 1, 'a v2 handler: one argument')

  t.same(await firebaseRuns(handler, beforeCreate({ email: 'ann@company.com' })), { status: 200, body: {} }, 'allowed, no roles: an empty answer')
  t.same(await firebaseRuns(handler, beforeCreate({ email: 'ann@company.com' }, 'google.com', { accountType: 'merchant', hd: 'company.com' })),
    { status: 200, body: { userRecord: { customClaims: { roles: ['merchant'] }, updateMask: 'customClaims' } } }, 'roles as customClaims.roles')
  t.same(await firebaseRuns(handler, beforeCreate({ email: 'ann@company.com', customClaims: { tier: 'gold' } }, 'google.com', { accountType: 'merchant' })),
    { status: 200, body: { userRecord: { customClaims: { tier: 'gold', roles: ['merchant'] }, updateMask: 'customClaims' } } }, 'merged with the claims already there')
  t.same(await firebaseRuns(handler, beforeCreate({ email: 'ann@gmail.com' })),
    { status: 403, body: { error: { status: 'PERMISSION_DENIED', message: DENY_MESSAGE, details: { code: 'invalid-email' } } } }, 'a policy deny: 403 with the rule\'s message')
  t.same(await firebaseRuns(handler, beforeCreate({ phoneNumber: '+4915112345678' }, 'phone')),
    { status: 403, body: { error: { status: 'PERMISSION_DENIED', message: DENY_MESSAGE, details: { code: 'invalid-email' } } } }, 'no email: the allow list does not match')

  for (const [what, url, code] of [
    ['unreachable', at.closed, 'auth-hooks-unreachable'],
    ['hanging', at.hanging, 'auth-hooks-timeout'],
    ['answering 500', at.failing, 'auth-hooks-status-500']
  ] as const) {
    t.same(await firebaseRuns(authHooksBeforeUserCreated({ HttpsError, env: env(url, SHORT_TIMEOUT_MS) }), beforeCreate({ email: 'ann@company.com' }, 'google.com', { accountType: 'merchant' })),
      { status: 503, body: { error: { status: 'UNAVAILABLE', message: 'Sign-up is unavailable right now, please try again later', details: { code } } } }, `auth-hooks ${what}: not created`)
  }
})
