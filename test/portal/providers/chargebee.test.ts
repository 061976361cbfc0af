import t from 'tap'
import type { Portals } from '../../../src/config/types.js'
import { chargebeeProvider } from '../../../src/portal/providers/chargebee.js'
import { OPEN_REDIRECT_CORPUS } from '../../http/open-redirects.js'
import { KEYS, logLine, portalHarness } from '../harness.js'

const REDIRECT = 'https://app.example.com/account'

const portals = (fakeUrl: string): Portals => ({
  billing: {
    path: '/portal/chargebee',
    provider: 'chargebee',
    allowedOrigins: ['https://acme-test.chargebeeportal.com'],
    chargebee: { site: 'acme-test', apiKey: KEYS.chargebee, redirectUrl: REDIRECT, apiBaseUrl: fakeUrl }
  },
  byClaim: {
    path: '/portal/chargebee-claim',
    provider: 'chargebee',
    chargebee: { site: 'acme-test', apiKey: KEYS.chargebee, customerIdClaim: 'cb_customer', apiBaseUrl: fakeUrl }
  }
})

t.test('create portal session: Basic auth with an empty password, bracketed form, then 302 to access_url', async t => {
  const h = await portalHarness(t, portals)
  const forward = 'https://acme-test.chargebeeportal.com/portal/v2/invoices'
  const response = await h.app.inject({ url: `/portal/chargebee?forward_url=${encodeURIComponent(forward)}`, headers: { cookie: await h.cookieFor('cb_1') } })
  t.equal(response.statusCode, 302)
  t.equal(response.headers['cache-control'], 'no-store')
  const [request] = h.fake.requests
  t.equal(request?.method, 'POST')
  t.equal(request?.path, '/api/v2/portal_sessions')
  t.equal(request?.headers.authorization, `Basic ${Buffer.from(`${KEYS.chargebee}:`).toString('base64')}`)
  t.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8')
  t.equal(request?.body, `customer%5Bid%5D=cb_1&redirect_url=${encodeURIComponent(REDIRECT)}&forward_url=${encodeURIComponent(forward)}`)
  const page = await fetch(response.headers.location as string)
  t.equal(page.status, 200)
  t.match(await page.text(), 'Fake chargebee portal')
  t.notMatch(h.logText(), KEYS.chargebee)
})

t.test('the customer id comes from the configured claim; without a usable one there is no call', async t => {
  const h = await portalHarness(t, portals)
  t.equal((await h.app.inject({ url: '/portal/chargebee-claim', headers: { cookie: await h.cookieFor('user-1', { cb_customer: 'cb_1' }) } })).statusCode, 302)
  t.equal(h.fake.requests[0]?.body, 'customer%5Bid%5D=cb_1')
  for (const claims of [{}, { cb_customer: 42 }, { cb_customer: '' }, { cb_customer: 'c'.repeat(51) }]) {
    const response = await h.app.inject({ url: '/portal/chargebee-claim', headers: { cookie: await h.cookieFor('user-1', claims) } })
    t.equal(response.statusCode, 403, JSON.stringify(claims))
    t.match(response.body, 'No billing account yet')
  }
  t.equal(h.fake.requests.length, 1)
  t.match(logLine(h, 'portal: identity has no provider account'), { code: 'no-customer', provider: 'chargebee' })
})

t.test('forward_url: relative or on the portal\'s allowlist, at most 250 characters', async t => {
  const h = await portalHarness(t, portals)
  const cookie = await h.cookieFor('cb_1')
  for (const raw of OPEN_REDIRECT_CORPUS) {
    const response = await h.app.inject({ url: `/portal/chargebee?forward_url=${encodeURIComponent(raw)}`, headers: { cookie } })
    t.equal(response.statusCode, 400, JSON.stringify(raw))
    t.equal(response.json().code, 'unsafe-redirect')
  }
  const long = await h.app.inject({ url: `/portal/chargebee?forward_url=/${'a'.repeat(250)}`, headers: { cookie } })
  t.same(long.json(), { code: 'unsafe-redirect', message: 'forward_url is longer than 250 characters' })
  t.equal(h.fake.requests.length, 0)
})

t.test('an unknown customer is Chargebee\'s 404 resource_not_found: refused page, code in the log', async t => {
  const h = await portalHarness(t, portals)
  const response = await h.app.inject({ url: '/portal/chargebee', headers: { cookie: await h.cookieFor('cb_unknown') } })
  t.equal(response.statusCode, 502)
  t.match(response.body, 'The portal could not be opened')
  t.match(logLine(h, 'portal session failed'), { status: 404, providerCode: 'resource_not_found', code: 'portal-refused' })
})

t.test('429 is retried with backoff; 5xx and dropped connections are not (create is not idempotent)', async t => {
  const h = await portalHarness(t, portals)
  const cookie = await h.cookieFor('cb_1')
  h.fake.script.chargebee.push({ status: 429, headers: { 'retry-after': '0' } }, { status: 429 })
  t.equal((await h.app.inject({ url: '/portal/chargebee', headers: { cookie } })).statusCode, 302)
  t.equal(h.fake.requests.length, 3)

  h.fake.script.chargebee.push({ status: 500 })
  t.equal((await h.app.inject({ url: '/portal/chargebee', headers: { cookie } })).statusCode, 502)
  t.equal(h.fake.requests.length, 4)
  t.match(logLine(h, 'portal session failed'), { status: 500, providerCode: 'internal_error', attempts: 1, code: 'portal-unavailable' })

  h.fake.script.chargebee.push({ destroy: true })
  t.equal((await h.app.inject({ url: '/portal/chargebee', headers: { cookie } })).statusCode, 502)
  t.equal(h.fake.requests.length, 5)
  t.match(logLine(h, 'portal session failed'), { kind: 'network', attempts: 1 })

  h.fake.script.chargebee.push({ status: 429 }, { status: 429 }, { status: 429 })
  t.equal((await h.app.inject({ url: '/portal/chargebee', headers: { cookie } })).statusCode, 502)
  t.match(logLine(h, 'portal session failed'), { status: 429, providerCode: 'api_request_limit_exceeded', attempts: 3, code: 'portal-unavailable' })
})

t.test('a wrong API key is Chargebee\'s 401 api_authentication_failed', async t => {
  const h = await portalHarness(t, portals)
  h.fake.keys.chargebee = 'rotated'
  t.equal((await h.app.inject({ url: '/portal/chargebee', headers: { cookie: await h.cookieFor('cb_1') } })).statusCode, 502)
  t.match(logLine(h, 'portal session failed'), { status: 401, providerCode: 'api_authentication_failed' })
})

t.test('the API base URL defaults to the site\'s own; an error body without a code is logged without one', async t => {
  t.equal(chargebeeProvider({ site: 'acme', apiKey: 'k' }, 5000).baseUrl, 'https://acme.chargebee.com')
  const h = await portalHarness(t, portals)
  h.fake.script.chargebee.push({ status: 503, body: { message: 'maintenance' } })
  t.equal((await h.app.inject({ url: '/portal/chargebee', headers: { cookie: await h.cookieFor('cb_1') } })).statusCode, 502)
  t.same(logLine(h, 'portal session failed')?.providerCode, undefined)
})
