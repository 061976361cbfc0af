import t from 'tap'
import type { Portals } from '../../../src/config/types.js'
import { stripeProvider } from '../../../src/portal/providers/stripe.js'
import { KEYS, logLine, portalHarness } from '../harness.js'

const RETURN = 'https://app.example.com/billing'

const portals = (fakeUrl: string): Portals => ({
  billing: {
    path: '/portal/billing',
    provider: 'stripe',
    timeoutMs: 1000,
    stripe: { secretKey: KEYS.stripe, returnUrl: RETURN, customerIdClaim: 'stripe_customer', apiBaseUrl: fakeUrl }
  },
  cancel: {
    path: '/portal/cancel',
    provider: 'stripe',
    stripe: { secretKey: KEYS.stripe, configuration: 'bpc_123', locale: 'fr', flowType: 'subscription_cancel', customerIdClaim: 'stripe_customer', apiBaseUrl: fakeUrl }
  },
  card: {
    path: '/portal/card',
    provider: 'stripe',
    failureUrl: '/billing/problem?from=portal',
    stripe: { secretKey: KEYS.stripe, flowType: 'payment_method_update', apiBaseUrl: fakeUrl }
  },
  elsewhere: {
    path: '/portal/elsewhere',
    provider: 'stripe',
    failureUrl: 'https://status.example.com/portal',
    stripe: { secretKey: KEYS.stripe, apiBaseUrl: fakeUrl }
  }
})

t.test('billing_portal/sessions: Bearer key, form body, customer from the claim, then 302 to the session url', async t => {
  const h = await portalHarness(t, portals)
  const response = await h.app.inject({ url: '/portal/billing', headers: { cookie: await h.cookieFor('auth0|9', { stripe_customer: 'cus_1' }) } })
  t.equal(response.statusCode, 302)
  t.equal(response.headers['cache-control'], 'no-store')
  const [request] = h.fake.requests
  t.equal(request?.method, 'POST')
  t.equal(request?.path, '/v1/billing_portal/sessions')
  t.equal(request?.headers.authorization, `Bearer ${KEYS.stripe}`)
  t.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded')
  t.equal(request?.body, `customer=cus_1&return_url=${encodeURIComponent(RETURN)}`)
  const location = response.headers.location as string
  t.ok(location.startsWith(`${h.fake.url}/portal/stripe/`))
  t.match(await (await fetch(location)).text(), 'cus_1')
  t.notMatch(h.logText(), location)
  t.notMatch(h.logText(), KEYS.stripe)
})

t.test('flows: flow_data[type], configuration and locale; subscription flows need ?subscription=sub_…', async t => {
  const h = await portalHarness(t, portals)
  const cookie = await h.cookieFor('u', { stripe_customer: 'cus_1' })
  for (const query of ['', '?subscription=', '?subscription=cus_1', '?subscription=sub_1&subscription=sub_2']) {
    const response = await h.app.inject({ url: `/portal/cancel${query}`, headers: { cookie } })
    t.equal(response.statusCode, 400, query)
    t.equal(response.json().code, 'invalid-request')
  }
  t.equal(h.fake.requests.length, 0)
  t.equal((await h.app.inject({ url: '/portal/cancel?subscription=sub_1Nx', headers: { cookie } })).statusCode, 302)
  t.equal(h.fake.requests[0]?.body, 'customer=cus_1&configuration=bpc_123&locale=fr&flow_data%5Btype%5D=subscription_cancel&flow_data%5Bsubscription_cancel%5D%5Bsubscription%5D=sub_1Nx')

  const card = await h.app.inject({ url: '/portal/card?subscription=ignored', headers: { cookie: await h.cookieFor('cus_1') } })
  t.equal(card.statusCode, 302, 'the customer claim defaults to sub')
  t.equal(h.fake.requests[1]?.body, 'customer=cus_1&flow_data%5Btype%5D=payment_method_update')
})

t.test('no customer claim: 403 page, no call', async t => {
  const h = await portalHarness(t, portals)
  const response = await h.app.inject({ url: '/portal/billing', headers: { cookie: await h.cookieFor('auth0|9') } })
  t.equal(response.statusCode, 403)
  t.match(response.body, 'No billing account yet')
  t.equal(h.fake.requests.length, 0)
})

t.test('Stripe errors: resource_missing and a wrong key are refused pages with Stripe\'s code in the log', async t => {
  const h = await portalHarness(t, portals)
  const unknown = await h.app.inject({ url: '/portal/billing', headers: { cookie: await h.cookieFor('u', { stripe_customer: 'cus_nope' }) } })
  t.equal(unknown.statusCode, 502)
  t.match(logLine(h, 'portal session failed'), { status: 400, providerCode: 'resource_missing', code: 'portal-refused' })

  h.fake.keys.stripe = 'sk_test_other'
  t.equal((await h.app.inject({ url: '/portal/billing', headers: { cookie: await h.cookieFor('u', { stripe_customer: 'cus_1' }) } })).statusCode, 502)
  t.match(logLine(h, 'portal session failed'), { status: 401, providerCode: 'api_key_invalid' })
})

t.test('5xx is not retried and the error type stands in for a missing code; 429 waits only within the budget', async t => {
  const h = await portalHarness(t, portals)
  const cookie = await h.cookieFor('u', { stripe_customer: 'cus_1' })
  h.fake.script.stripe.push({ status: 500 })
  t.equal((await h.app.inject({ url: '/portal/billing', headers: { cookie } })).statusCode, 502)
  t.match(logLine(h, 'portal session failed'), { status: 500, providerCode: 'api_error', attempts: 1 })

  h.fake.script.stripe.push({ status: 429, headers: { 'retry-after': '5' } })
  const started = Date.now()
  const limited = await h.app.inject({ url: '/portal/billing', headers: { cookie } })
  t.equal(limited.statusCode, 502)
  t.ok(Date.now() - started < 1900, 'a Retry-After longer than the budget (capped at 2 s) is not waited out')
  t.match(logLine(h, 'portal session failed'), { status: 429, providerCode: 'rate_limit', attempts: 1, code: 'portal-unavailable' })

  h.fake.script.stripe.push({ status: 502, body: 'Bad gateway' })
  t.equal((await h.app.inject({ url: '/portal/billing', headers: { cookie } })).statusCode, 502)
  t.same(logLine(h, 'portal session failed')?.providerCode, undefined, 'an error body that is not Stripe\'s has no code')
})

t.test('failureUrl: the user is sent there with the code and request id instead of the page', async t => {
  const h = await portalHarness(t, portals)
  const cookie = await h.cookieFor('cus_1')
  h.fake.script.stripe.push({ status: 500 }, { status: 500 })
  const relative = await h.app.inject({ url: '/portal/card', headers: { cookie } })
  t.equal(relative.statusCode, 302)
  t.equal(relative.headers['cache-control'], 'no-store')
  t.match(relative.headers.location, /^\/billing\/problem\?from=portal&code=portal-unavailable&request_id=req-\w+$/)

  const absolute = await h.app.inject({ url: '/portal/elsewhere', headers: { cookie } })
  t.match(absolute.headers.location, /^https:\/\/status\.example\.com\/portal\?code=portal-unavailable&request_id=req-\w+$/)

  const noCustomer = await h.app.inject({ url: '/portal/card', headers: { cookie: await h.cookieFor('u', { sub: undefined }) } })
  t.equal(noCustomer.statusCode, 302, 'a token without sub is not signed in')
  t.match(noCustomer.headers.location, /^https:\/\/app\.example\.com\/sign-in\?redirect_url=/)
})

t.test('the API base URL defaults to api.stripe.com', async t => {
  t.equal(stripeProvider({ secretKey: 'sk_test_x' }, 5000).baseUrl, 'https://api.stripe.com')
})

t.test('HEAD does not create a session (link checkers)', async t => {
  const h = await portalHarness(t, portals)
  const response = await h.app.inject({ method: 'HEAD', url: '/portal/billing', headers: { cookie: await h.cookieFor('u', { stripe_customer: 'cus_1' }) } })
  t.equal(response.statusCode, 405)
  t.equal(h.fake.requests.length, 0)
})
