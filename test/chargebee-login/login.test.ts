import t from 'tap'
import { failurePage } from '../helpers.js'
import { backends } from '../helpers/backends.js'
import { buildUserApp, identityConfig } from '../helpers/user-app.js'
import type { ChargebeeLoginConfig } from '../../src/config/types.js'
import { API_KEY, FakeChargebee } from '../fakes/chargebee.mjs'

const COOKIE_SECRET = 'cookie-secret-0123456789-0123456789-abcdef'
const profiles = { schema: { type: 'object' as const, properties: { name: { type: 'string' } } } }

function loginConfig (apiBaseUrl: string, extra: Partial<ChargebeeLoginConfig> = {}): ChargebeeLoginConfig {
  return {
    site: 'acme-test',
    apiKey: API_KEY,
    publicUrl: 'https://auth.example.com',
    cookieSecret: COOKIE_SECRET,
    apiBaseUrl,
    afterLoginUrl: '/dashboard',
    afterLogoutUrl: 'https://www.example.com/bye',
    allowedOrigins: ['https://app.example.com', 'https://www.example.com'],
    ...extra
  }
}

interface Cookie { name: string, value: string, [key: string]: unknown }
const cookieNamed = (cookies: Cookie[], name: string): Cookie | undefined => cookies.find(cookie => cookie.name === name)

const { list, skipped } = backends()
if (skipped !== null) t.comment(skipped)

for (const backend of list) {
  t.test(`Chargebee as the login on ${backend.name}`, async t => {
    const chargebee = new FakeChargebee()
    const apiBaseUrl = await chargebee.start()
    t.teardown(() => chargebee.close())
    t.teardown(() => backend.cleanup())
    const app = await buildUserApp({ identity: identityConfig, profiles, chargebeeLogin: loginConfig(apiBaseUrl) }, await backend.fresh())
    t.teardown(() => app.close())

    /** The whole round trip: login link, Chargebee login, return; the session cookie value. */
    async function signIn (customerId: string): Promise<string> {
      const { id, token } = chargebee.userLogsIn(customerId)
      const res = await app.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${token}` })
      t.equal(res.statusCode, 302)
      return (cookieNamed(res.cookies as Cookie[], 'auth_hooks_session') as Cookie).value
    }

    t.test('the login route sends the user to the Chargebee portal login with return and cancel URLs', async t => {
      const res = await app.inject({ method: 'GET', url: '/auth/chargebee/login' })
      t.equal(res.statusCode, 302)
      const location = new URL(res.headers.location as string)
      t.equal(location.origin + location.pathname, 'https://acme-test.chargebeeportal.com/portal/login')
      t.equal(location.searchParams.get('return_url'), 'https://auth.example.com/auth/chargebee/return')
      t.equal(location.searchParams.get('cancel_url'), 'https://auth.example.com/auth/chargebee/cancelled')
      const cancelled = await app.inject({ method: 'GET', url: '/auth/chargebee/cancelled' })
      t.equal(cancelled.statusCode, 200, 'the default cancel_url is a real page')
      t.match(cancelled.body, /<h1>Sign-in cancelled<\/h1>[\s\S]*href="\/auth\/chargebee\/login"/)
      t.equal(chargebee.requests.length, 0, 'no API call yet')
    })

    t.test('?next= must be a path or an allowed origin', async t => {
      for (const next of ['//evil.com', 'https://evil.com/x', 'javascript:alert(1)', 'https://app.example.com@evil.com/', '/\\evil.com']) {
        const res = await app.inject({ method: 'GET', url: `/auth/chargebee/login?next=${encodeURIComponent(next)}` })
        t.equal(res.statusCode, 400, next)
        t.match(failurePage(res), { code: 'unsafe-redirect', title: 'This link cannot be followed' })
      }
      const ok = await app.inject({ method: 'GET', url: '/auth/chargebee/login?next=https%3A%2F%2Fapp.example.com%2Fbilling' })
      t.equal(ok.statusCode, 302)
      t.ok(cookieNamed(ok.cookies as Cookie[], 'auth_hooks_login_next'))
    })

    t.test('return: activates server-side, sets the signed session cookie, lands on ?next=', async t => {
      const login = await app.inject({ method: 'GET', url: '/auth/chargebee/login?next=%2Fbilling%3Ftab%3D2' })
      const next = cookieNamed(login.cookies as Cookie[], 'auth_hooks_login_next') as Cookie
      t.match(next, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/auth/chargebee' })
      const { id, token } = chargebee.userLogsIn('cust_ada')
      const res = await app.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${encodeURIComponent(token)}`, cookies: { auth_hooks_login_next: next.value } })
      t.equal(res.statusCode, 302)
      t.equal(res.headers.location, '/billing?tab=2')
      const request = chargebee.requests.at(-1)
      t.same({ method: request?.method, path: request?.path, body: request?.body }, { method: 'POST', path: `/api/v2/portal_sessions/${id}/activate`, body: `token=${encodeURIComponent(token).replace(/%20/g, '+')}` })
      t.equal(request?.headers.authorization, `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`)
      t.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8')
      const session = cookieNamed(res.cookies as Cookie[], 'auth_hooks_session') as Cookie
      t.match(session, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: 86400 })
      t.notMatch(session.value, /cust_ada/, 'the cookie holds an opaque id, not the customer')
      const cleared = cookieNamed(res.cookies as Cookie[], 'auth_hooks_login_next') as Cookie
      t.equal(cleared.value, '', 'the next cookie is cleared')
      // The session signs the user in for auth-hooks' own routes.
      const saved = await app.inject({ method: 'POST', url: '/users/me', cookies: { auth_hooks_session: session.value }, payload: { name: 'Ada' } })
      t.equal(saved.statusCode, 200)
      t.equal(saved.json().userId, 'cust_ada')
    })

    t.test('without ?next= the user lands on afterLoginUrl', async t => {
      const { id, token } = chargebee.userLogsIn('cust_bob')
      const res = await app.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${token}`, cookies: { auth_hooks_login_next: 'forged.value' } })
      t.equal(res.headers.location, '/dashboard')
    })

    t.test('invalid, expired, reused or unknown tokens get the 401 page and no cookie', async t => {
      const reused = chargebee.userLogsIn('cust_eve')
      await app.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${reused.id}&auth_session_token=${reused.token}` })
      const expired = chargebee.userLogsIn('cust_eve', { expired: true })
      const fresh = chargebee.userLogsIn('cust_eve')
      const cases = {
        reused: `auth_session_id=${reused.id}&auth_session_token=${reused.token}`,
        expired: `auth_session_id=${expired.id}&auth_session_token=${expired.token}`,
        'wrong token': `auth_session_id=${fresh.id}&auth_session_token=guess`,
        'unknown id': 'auth_session_id=portal_unknown&auth_session_token=x'
      }
      for (const [name, query] of Object.entries(cases)) {
        const res = await app.inject({ method: 'GET', url: `/auth/chargebee/return?${query}` })
        t.equal(res.statusCode, 401, name)
        t.match(res.headers['content-type'], /^text\/html/)
        t.match(res.body, /Sign-in failed/)
        t.equal(res.cookies.length, 0)
      }
      const missing = await app.inject({ method: 'GET', url: '/auth/chargebee/return?auth_session_id=portal_x' })
      t.equal(missing.statusCode, 400)
      const traversal = await app.inject({ method: 'GET', url: '/auth/chargebee/return?auth_session_id=..%2Fcustomers&auth_session_token=x' })
      t.equal(traversal.statusCode, 400, 'the id cannot reach another Chargebee path')
    })

    t.test('a forged or tampered cookie signs nobody in', async t => {
      const value = await signIn('cust_mal')
      for (const cookie of ['not-signed', `${value}x`, value.replace(/^./, c => c === 'A' ? 'B' : 'A')]) {
        const res = await app.inject({ method: 'GET', url: '/users/me', cookies: { auth_hooks_session: cookie } })
        t.equal(res.statusCode, 401)
      }
    })

    t.test('logout ends the session here and at Chargebee, and clears the cookie', async t => {
      const value = await signIn('cust_lou')
      const portalSession = chargebee.requests.at(-1)?.path.split('/')[4] as string
      const res = await app.inject({ method: 'POST', url: '/auth/chargebee/logout', cookies: { auth_hooks_session: value } })
      t.equal(res.statusCode, 303)
      t.equal(res.headers.location, 'https://www.example.com/bye')
      t.match(cookieNamed(res.cookies as Cookie[], 'auth_hooks_session'), { value: '', path: '/' })
      t.match(chargebee.requests.at(-1), { method: 'POST', path: `/api/v2/portal_sessions/${portalSession}/logout`, body: '' })
      t.equal(chargebee.sessions.get(portalSession)?.status, 'logged_out')
      const after = await app.inject({ method: 'GET', url: '/users/me', cookies: { auth_hooks_session: value } })
      t.equal(after.statusCode, 401, 'a kept copy of the cookie no longer works')
      const count = chargebee.requests.length
      // A plain HTML form posts form-encoded, with or without fields.
      const form = await app.inject({ method: 'POST', url: '/auth/chargebee/logout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
      t.equal(form.statusCode, 303)
      const withField = await app.inject({ method: 'POST', url: '/auth/chargebee/logout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'submit=Log+out' })
      t.equal(withField.statusCode, 303)
      const anonymous = await app.inject({ method: 'POST', url: '/auth/chargebee/logout' })
      t.equal(anonymous.statusCode, 303)
      t.equal(chargebee.requests.length, count, 'nobody to log out at Chargebee')
    })

    t.test('logout still works when Chargebee is down', async t => {
      const value = await signIn('cust_down')
      chargebee.mode = 'server-error'
      const res = await app.inject({ method: 'POST', url: '/auth/chargebee/logout', cookies: { auth_hooks_session: value } })
      chargebee.mode = 'normal'
      t.equal(res.statusCode, 303)
      t.equal((await app.inject({ method: 'GET', url: '/users/me', cookies: { auth_hooks_session: value } })).statusCode, 401)
    })

    t.test('a portal session opens one app session even if Chargebee activated it twice', async t => {
      const { id, token } = chargebee.userLogsIn('cust_twice')
      const url = `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${token}`
      t.equal((await app.inject({ method: 'GET', url })).statusCode, 302)
      chargebee.mode = 'allow-reuse'
      const again = await app.inject({ method: 'GET', url })
      chargebee.mode = 'normal'
      t.equal(again.statusCode, 401)
    })

    t.test('Chargebee failures: 502/504 login-unavailable', async t => {
      for (const [mode, status] of [['server-error', 502]] as const) {
        chargebee.mode = mode
        const { id, token } = chargebee.userLogsIn('cust_x')
        const res = await app.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${token}` })
        t.equal(res.statusCode, status)
        t.match(failurePage(res), { code: 'login-unavailable', title: 'Sign-in is unavailable' })
      }
      chargebee.mode = 'normal'
    })
  })
}

t.test('wrong API key, slow or unreachable Chargebee, short sessions, unsafe config', async t => {
  const chargebee = new FakeChargebee()
  const apiBaseUrl = await chargebee.start()
  t.teardown(() => chargebee.close())
  const wrongKey = await buildUserApp({ chargebeeLogin: loginConfig(apiBaseUrl, { apiKey: 'wrong', timeoutMs: 300 }) }, { sqlitePath: ':memory:' })
  t.teardown(() => wrongKey.close())
  const { id, token } = chargebee.userLogsIn('cust_1')
  const res = await wrongKey.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${token}` })
  t.equal(res.statusCode, 502)
  t.equal(failurePage(res).code, 'login-unavailable')
  t.notMatch(res.body, /401|activate/, 'the reason stays in the log')

  const slow = await buildUserApp({ chargebeeLogin: loginConfig(apiBaseUrl, { timeoutMs: 200, sessionTtlSeconds: 0 }) }, { sqlitePath: ':memory:' })
  t.teardown(() => slow.close())
  chargebee.mode = 'hang'
  const timedOut = await slow.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${token}` })
  t.equal(timedOut.statusCode, 504)
  chargebee.mode = 'normal'
  // A session past its expiry signs nobody in, and logging out with it still clears the cookie.
  const ok = await slow.inject({ method: 'GET', url: `/auth/chargebee/return?auth_session_id=${id}&auth_session_token=${token}` })
  t.equal(ok.statusCode, 302)
  t.equal(ok.headers.location, '/dashboard')
  const expired = (cookieNamed(ok.cookies as Cookie[], 'auth_hooks_session') as Cookie).value
  t.equal((await slow.inject({ method: 'GET', url: '/auth/chargebee/login', cookies: { auth_hooks_session: expired } })).statusCode, 302)
  chargebee.mode = 'hang'
  const logout = await slow.inject({ method: 'POST', url: '/auth/chargebee/logout', cookies: { auth_hooks_session: expired } })
  chargebee.mode = 'normal'
  t.equal(logout.statusCode, 303, 'a Chargebee timeout on logout is logged, the user is still logged out')
  t.equal(logout.headers.location, 'https://www.example.com/bye')

  const down = await buildUserApp({ chargebeeLogin: { ...loginConfig('http://127.0.0.1:1', { cookieName: 'sid', cancelUrl: 'https://www.example.com/', portalUrl: 'https://billing.example.com' }), afterLoginUrl: undefined, afterLogoutUrl: undefined, apiBaseUrl: undefined } }, { sqlitePath: ':memory:' })
  t.teardown(() => down.close())
  const login = await down.inject({ method: 'GET', url: '/auth/chargebee/login' })
  t.match(login.headers.location, /^https:\/\/billing\.example\.com\/portal\/login\?return_url=.+&cancel_url=https%3A%2F%2Fwww\.example\.com%2F$/)
  const loggedOut = await down.inject({ method: 'POST', url: '/auth/chargebee/logout' })
  t.equal(loggedOut.headers.location, '/', 'afterLogoutUrl defaults to /')

  const unreachable = await buildUserApp({ chargebeeLogin: loginConfig('http://127.0.0.1:1') }, { sqlitePath: ':memory:' })
  t.teardown(() => unreachable.close())
  const refused = await unreachable.inject({ method: 'GET', url: '/auth/chargebee/return?auth_session_id=p&auth_session_token=x' })
  t.equal(refused.statusCode, 502)
  t.equal(failurePage(refused).code, 'login-unavailable')

  await t.rejects(buildUserApp({ chargebeeLogin: loginConfig(apiBaseUrl, { afterLoginUrl: 'https://evil.com/' }) }, { sqlitePath: ':memory:' }), /chargebeeLogin\.afterLoginUrl points to https:\/\/evil\.com/)
})
