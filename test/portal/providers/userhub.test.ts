import t from 'tap'
import type { Portals } from '../../../src/config/types.js'
import { encodeUserId, userhubProvider } from '../../../src/portal/providers/userhub.js'
import { OPEN_REDIRECT_CORPUS } from '../../http/open-redirects.js'
import { CONNECTION_ID, KEYS, logLine, portalHarness, SIGN_IN_URL } from '../harness.js'

const portals = (timeoutMs = 2000) => (fakeUrl: string): Portals => ({
  team: {
    path: '/userhub',
    provider: 'userhub',
    timeoutMs,
    allowedOrigins: ['https://portal.userhub.com'],
    userhub: { adminKey: KEYS.userhub, connectionId: CONNECTION_ID, returnUrl: 'https://app.example.com/settings', apiBaseUrl: `${fakeUrl}/` }
  }
})

t.test('user ids are encoded as a path segment that keeps @ and :', async t => {
  t.equal(encodeUserId(`auth0|123@${CONNECTION_ID}`), `auth0%7C123@${CONNECTION_ID}`)
  t.equal(encodeUserId('google-oauth2|10/30 x:y@conn'), 'google-oauth2%7C10%2F30%20x:y@conn')
})

t.test('not signed in: 302 to sign-in with the full URL to come back to, no provider call', async t => {
  const h = await portalHarness(t, portals())
  const response = await h.app.inject({ url: '/userhub?portalUrl=/%7BaccountId%7D/billing' })
  t.equal(response.statusCode, 302)
  t.equal(response.headers['cache-control'], 'no-store')
  const location = new URL(response.headers.location as string)
  t.equal(`${location.origin}${location.pathname}`, SIGN_IN_URL)
  t.equal(location.searchParams.get('redirect_url'), '/userhub?portalUrl=/%7BaccountId%7D/billing')
  t.equal(h.fake.requests.length, 0)
})

t.test('signed in: createPortalSession exactly as UserHub expects, then 302 to the one-time URL', async t => {
  const h = await portalHarness(t, portals())
  const response = await h.app.inject({ url: '/userhub?portalUrl=/%7BaccountId%7D/billing&utm_source=email', headers: { cookie: await h.cookieFor('auth0|123') } })
  t.equal(response.statusCode, 302)
  t.equal(response.headers['cache-control'], 'no-store')
  t.equal(response.headers['referrer-policy'], 'no-referrer')
  const [request] = h.fake.requests
  t.equal(h.fake.requests.length, 1)
  t.equal(request?.method, 'POST')
  t.equal(request?.path, `/admin/v1/users/auth0%7C123@${CONNECTION_ID}:createPortalSession`)
  t.equal(request?.headers.authorization, `Bearer ${KEYS.userhub}`)
  t.equal(request?.headers['userhub-api-version'], '2025-05-01')
  t.equal(request?.headers['content-type'], 'application/json')
  t.equal(request?.headers.accept, 'application/json')
  t.same(JSON.parse(request?.body as string), { portalUrl: '/{accountId}/billing', returnUrl: 'https://app.example.com/settings' })

  const portalUrl = response.headers.location as string
  t.ok(portalUrl.startsWith(`${h.fake.url}/portal/userhub/`))
  const page = await fetch(portalUrl)
  t.equal(page.status, 200)
  t.match(await page.text(), `auth0|123@${CONNECTION_ID}`)
  t.equal((await fetch(portalUrl)).status, 401, 'the URL works once')

  const created = logLine(h, 'portal session created')
  t.match(created, { portal: 'team', provider: 'userhub', attempts: 1 })
  t.notMatch(h.logText(), portalUrl.split('/').at(-1) as string, 'the one-time token is never logged')
  t.notMatch(h.logText(), KEYS.userhub)
})

t.test('portalUrl: absolute on an allowed origin passes; left out, it is left out', async t => {
  const h = await portalHarness(t, portals())
  const cookie = await h.cookieFor('u1')
  const absolute = 'https://portal.userhub.com/{accountId}/members'
  t.equal((await h.app.inject({ url: `/userhub?portalUrl=${encodeURIComponent(absolute)}`, headers: { cookie } })).statusCode, 302)
  t.equal(JSON.parse(h.fake.requests[0]?.body as string).portalUrl, absolute)
  t.equal((await h.app.inject({ url: '/userhub', headers: { cookie } })).statusCode, 302)
  t.same(JSON.parse(h.fake.requests[1]?.body as string), { returnUrl: 'https://app.example.com/settings' })
})

t.test('portalUrl: every URL of the open-redirect corpus is refused with 400 before anything else', async t => {
  const h = await portalHarness(t, portals())
  const cookie = await h.cookieFor('u1')
  for (const raw of OPEN_REDIRECT_CORPUS) {
    const response = await h.app.inject({ url: `/userhub?portalUrl=${encodeURIComponent(raw)}`, headers: { cookie } })
    t.equal(response.statusCode, 400, JSON.stringify(raw))
    t.equal(response.json().code, 'unsafe-redirect')
  }
  const signedOut = await h.app.inject({ url: '/userhub?portalUrl=//evil.com' })
  t.equal(signedOut.statusCode, 400, 'refused before the sign-in bounce too')
  t.equal(h.fake.requests.length, 0)
})

t.test('portalUrl given twice is refused', async t => {
  const h = await portalHarness(t, portals())
  const response = await h.app.inject({ url: '/userhub?portalUrl=/a&portalUrl=/b', headers: { cookie: await h.cookieFor('u1') } })
  t.equal(response.statusCode, 400)
  t.same(response.json(), { code: 'invalid-request', message: 'portalUrl, forward_url and subscription may each appear once' })
})

t.test('429, 5xx and dropped connections are retried (the call is idempotent)', async t => {
  const h = await portalHarness(t, portals())
  const cookie = await h.cookieFor('u1')
  h.fake.script.userhub.push({ status: 429, headers: { 'retry-after': '0' } }, { status: 500 })
  const retried = await h.app.inject({ url: '/userhub', headers: { cookie } })
  t.equal(retried.statusCode, 302)
  t.equal(h.fake.requests.length, 3)
  t.match(logLine(h, 'portal session created'), { attempts: 3 })

  h.fake.script.userhub.push({ destroy: true }, { status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } })
  t.equal((await h.app.inject({ url: '/userhub', headers: { cookie } })).statusCode, 302)
  t.equal(h.fake.requests.length, 6)
})

t.test('an outage that outlasts the retries: 502 page with a request id, the provider code in the log', async t => {
  const h = await portalHarness(t, portals())
  h.fake.script.userhub.push({ status: 503 }, { status: 503 }, { status: 503 })
  const response = await h.app.inject({ url: '/userhub', headers: { cookie: await h.cookieFor('u1') } })
  t.equal(response.statusCode, 502)
  t.equal(response.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(response.headers['cache-control'], 'no-store')
  t.match(response.body, 'The portal is unavailable')
  const logged = logLine(h, 'portal session failed')
  t.match(logged, { portal: 'team', provider: 'userhub', code: 'portal-unavailable', kind: 'http', status: 503, providerCode: 'UNAVAILABLE', attempts: 3 })
  t.match(response.body, `quote this reference: <code>${logged?.reqId as string}</code> (portal-unavailable)`, 'the page and the log share the request id')
  t.notMatch(response.body, 'UNAVAILABLE', 'the provider\'s message stays in the log')
})

t.test('three dropped connections: network failure; a wrong key: refused, never retried, key not logged', async t => {
  const h = await portalHarness(t, portals())
  const cookie = await h.cookieFor('u1')
  h.fake.script.userhub.push({ destroy: true }, { destroy: true }, { destroy: true })
  t.equal((await h.app.inject({ url: '/userhub', headers: { cookie } })).statusCode, 502)
  t.match(logLine(h, 'portal session failed'), { kind: 'network', attempts: 3, code: 'portal-unavailable' })

  h.fake.keys.userhub = 'rotated'
  const refused = await h.app.inject({ url: '/userhub', headers: { cookie } })
  t.equal(refused.statusCode, 502)
  t.match(refused.body, 'The portal could not be opened')
  t.match(logLine(h, 'portal session failed'), { kind: 'http', status: 401, providerCode: 'UNAUTHENTICATED', attempts: 1, code: 'portal-refused' })
  t.notMatch(h.logText(), KEYS.userhub)
})

t.test('an unknown connection is UserHub\'s NOT_FOUND', async t => {
  const h = await portalHarness(t, portals())
  h.fake.userhubConnectionId = 'conn_other'
  const response = await h.app.inject({ url: '/userhub', headers: { cookie: await h.cookieFor('u1') } })
  t.equal(response.statusCode, 502)
  t.match(logLine(h, 'portal session failed'), { status: 404, providerCode: 'NOT_FOUND' })
})

t.test('timeouts: a slow answer, a stalled body and backoff past the budget all end on time', async t => {
  const h = await portalHarness(t, portals(500))
  const cookie = await h.cookieFor('u1')
  h.fake.script.userhub.push({ delayMs: 1500 })
  const started = Date.now()
  const slow = await h.app.inject({ url: '/userhub', headers: { cookie } })
  t.equal(slow.statusCode, 504)
  t.match(slow.body, 'taking too long')
  t.ok(Date.now() - started < 1400, 'answers when the budget runs out, not when the provider does')
  t.match(logLine(h, 'portal session failed'), { kind: 'timeout', code: 'portal-timeout' })

  h.fake.script.userhub.push({ stallBody: true })
  t.equal((await h.app.inject({ url: '/userhub', headers: { cookie } })).statusCode, 504)

  h.fake.script.userhub.push({ destroy: true }, { destroy: true })
  const network = await h.app.inject({ url: '/userhub', headers: { cookie } })
  t.equal(network.statusCode, 502, 'after 200 ms, the 400 ms backoff does not fit in 500 ms: the network failure is reported')
  t.match(logLine(h, 'portal session failed'), { kind: 'network', attempts: 2 })
})

t.test('a success body without a usable URL is a bad response, never followed', async t => {
  const h = await portalHarness(t, portals())
  const cookie = await h.cookieFor('u1')
  for (const body of [{ redirectUrl: 'javascript:alert(1)' }, { redirectUrl: 'not a url' }, {}, { redirectUrl: 42 }]) {
    h.fake.script.userhub.push({ status: 200, body })
    const response = await h.app.inject({ url: '/userhub', headers: { cookie } })
    t.equal(response.statusCode, 502, JSON.stringify(body))
    t.match(logLine(h, 'portal session failed'), { kind: 'bad-response', status: 200 })
  }
})

t.test('the API base URL defaults to api.userhub.com; an error body without a code is logged without one', async t => {
  t.equal(userhubProvider({ adminKey: 'k', connectionId: 'conn_1' }, 5000).baseUrl, 'https://api.userhub.com')
  const h = await portalHarness(t, portals())
  h.fake.script.userhub.push({ status: 400, body: { error: 'bad' } })
  t.equal((await h.app.inject({ url: '/userhub', headers: { cookie: await h.cookieFor('u1') } })).statusCode, 502)
  t.same(logLine(h, 'portal session failed')?.providerCode, undefined)
})
