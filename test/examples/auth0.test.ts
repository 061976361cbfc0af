/**
 * examples/auth0-*.cjs run as Auth0 runs an Action: `exports.onExecute…(event, api)`, with the
 * event and API objects shaped as Auth0's Actions reference describes them (pre-user-registration
 * and post-login event/API object pages), against a real auth-hooks.
 */
import { createRequire } from 'node:module'
import t from 'tap'
import { DENY_MESSAGE, SECRET, SHORT_TIMEOUT_MS, endpoints } from './harness.js'

type Action = (event: unknown, api: unknown) => Promise<void>
const require = createRequire(import.meta.url)
const { onExecutePreUserRegistration } = require('../../examples/auth0-pre-user-registration.cjs') as { onExecutePreUserRegistration: Action }
const { onExecutePostLogin } = require('../../examples/auth0-post-login.cjs') as { onExecutePostLogin: Action }

interface Recorded { denied?: { reason: string, userMessage?: string }, appMetadata: Record<string, unknown>, idClaims: Record<string, unknown>, accessClaims: Record<string, unknown> }

/** The parts of Auth0's `api` object the snippets may call, recording each call. */
function apiStub (): { api: unknown, recorded: Recorded } {
  const recorded: Recorded = { appMetadata: {}, idClaims: {}, accessClaims: {} }
  const api: Record<string, unknown> = {}
  Object.assign(api, {
    access: { deny: (reason: string, userMessage?: string) => { recorded.denied = { reason, userMessage }; return api } },
    user: {
      setAppMetadata: (key: string, value: unknown) => { recorded.appMetadata[key] = value; return api },
      setUserMetadata: () => api
    },
    idToken: { setCustomClaim: (name: string, value: unknown) => { recorded.idClaims[name] = value; return api } },
    accessToken: { setCustomClaim: (name: string, value: unknown) => { recorded.accessClaims[name] = value; return api } }
  })
  return { api, recorded }
}

function registration (url: string, user: Record<string, unknown>, extra: { strategy?: string, timeout?: string } = {}): unknown {
  return {
    secrets: { AUTH_HOOKS_URL: url, AUTH_HOOKS_SECRET: SECRET, ...(extra.timeout === undefined ? {} : { AUTH_HOOKS_TIMEOUT_MS: extra.timeout }) },
    connection: { id: 'con_fpe5kj482KO1eOzQ', name: 'Username-Password-Authentication', strategy: extra.strategy ?? 'auth0' },
    request: { ip: '203.0.113.24', method: 'POST', language: 'en', geoip: { countryCode: 'DE', continentCode: 'EU' }, body: {} },
    tenant: { id: 'dev-tenant' },
    transaction: { locale: 'en', protocol: 'oidc-basic-profile' },
    user: { tenant: 'dev-tenant', user_metadata: {}, app_metadata: {}, ...user }
  }
}

function login (url: string, user: Record<string, unknown>, extra: { secrets?: Record<string, string> } = {}): unknown {
  const event = registration(url, { user_id: 'auth0|65a1f0', email_verified: true, ...user }) as Record<string, any>
  Object.assign(event.secrets, extra.secrets)
  event.client = { client_id: 'xYz', name: 'My SPA' }
  event.authentication = { methods: [{ name: 'pwd', timestamp: '2026-11-21T09:14:03.482Z' }] }
  return event
}

const UNAVAILABLE_SIGNUP = 'Sign-up is unavailable right now, please try again later'
const UNAVAILABLE_LOGIN = 'Login is unavailable right now, please try again later'

t.test('Auth0 pre-user-registration: who may sign up, with which roles', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  const run = async (event: unknown): Promise<Recorded> => {
    const { api, recorded } = apiStub()
    await onExecutePreUserRegistration(event, api)
    return recorded
  }

  t.same(await run(registration(at.signup, { email: 'ann@company.com' })), { appMetadata: {}, idClaims: {}, accessClaims: {} }, 'allowed, no roles')
  t.same((await run(registration(at.signup, { email: 'ann@company.com', user_metadata: { accountType: 'merchant' } }))).appMetadata,
    { roles: ['merchant'] }, 'roles land in app_metadata.roles')
  t.same((await run(registration(at.signup, { email: 'ann@gmail.com' }))).denied,
    { reason: 'invalid-email', userMessage: DENY_MESSAGE }, 'a policy deny: the rule code to the logs, its message to the user')
  t.same(await run(registration(at.signup, { email: 'ann@company.com', user_metadata: { accountType: 'merchant' } }, { strategy: 'email' })),
    { appMetadata: {}, idClaims: {}, accessClaims: {} }, 'passwordless: allowed, no metadata (Auth0 refuses it there)')

  for (const [what, url, reason] of [
    ['unreachable', at.closed, 'auth-hooks-unreachable'],
    ['hanging', at.hanging, 'auth-hooks-timeout'],
    ['answering 500', at.failing, 'auth-hooks-status-500'],
    ['answering garbage', at.garbled, 'auth-hooks-bad-answer']
  ] as const) {
    const started = Date.now()
    const recorded = await run(registration(url, { email: 'ann@company.com', user_metadata: { accountType: 'merchant' } }, { timeout: SHORT_TIMEOUT_MS }))
    t.same(recorded, { denied: { reason, userMessage: UNAVAILABLE_SIGNUP }, appMetadata: {}, idClaims: {}, accessClaims: {} }, `auth-hooks ${what}: denied`)
    t.ok(Date.now() - started < 2000, `auth-hooks ${what}: decided quickly`)
  }

  const wrongSecret = registration(at.signup, { email: 'ann@company.com' }) as Record<string, any>
  wrongSecret.secrets.AUTH_HOOKS_SECRET = 'not-the-secret-0123456789'
  t.same((await run(wrongSecret)).denied, { reason: 'auth-hooks-status-401', userMessage: UNAVAILABLE_SIGNUP }, 'a refused secret denies, without auth-hooks\' own text')
  t.same((await run({ ...(registration(at.signup, { email: 'ann@company.com' }) as object), secrets: {} })).denied,
    { reason: 'auth-hooks-not-configured', userMessage: UNAVAILABLE_SIGNUP }, 'missing secrets deny')
})

t.test('Auth0 post-login: who may log in, roles into the tokens', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  const run = async (event: unknown): Promise<Recorded> => {
    const { api, recorded } = apiStub()
    await onExecutePostLogin(event, api)
    return recorded
  }

  t.same(await run(login(at.login, { email: 'ann@company.com' })), { appMetadata: {}, idClaims: {}, accessClaims: {} }, 'allowed, no roles, no claim')
  const withRoles = await run(login(at.login, { email: 'ann@company.com', app_metadata: { roles: ['merchant'] } }))
  t.same(withRoles.idClaims, { 'https://auth-hooks/roles': ['merchant'] }, 'app_metadata.roles into the ID token')
  t.same(withRoles.accessClaims, { 'https://auth-hooks/roles': ['merchant'] }, 'and into the access token')
  t.same((await run(login(at.login, { email: 'ann@company.com', app_metadata: { roles: ['merchant'] } }, { secrets: { AUTH_HOOKS_ROLES_CLAIM: 'https://example.com/roles' } }))).idClaims,
    { 'https://example.com/roles': ['merchant'] }, 'the claim name is a secret')
  t.same((await run(login(at.login, { email: 'ann@gmail.com', app_metadata: { roles: ['merchant'] } }))),
    { denied: { reason: DENY_MESSAGE, userMessage: undefined }, appMetadata: {}, idClaims: {}, accessClaims: {} }, 'a policy deny: its message becomes error_description')

  for (const [what, url] of [['unreachable', at.closed], ['hanging', at.hanging], ['answering 500', at.failing]] as const) {
    const recorded = await run(login(url, { email: 'ann@company.com', app_metadata: { roles: ['merchant'] } }, { secrets: { AUTH_HOOKS_TIMEOUT_MS: SHORT_TIMEOUT_MS } }))
    t.same(recorded, { denied: { reason: UNAVAILABLE_LOGIN, userMessage: undefined }, appMetadata: {}, idClaims: {}, accessClaims: {} }, `auth-hooks ${what}: login denied, no claims`)
  }
})
