// The fakes must refuse what the real APIs refuse, or the portal tests would prove nothing.
import t, { type Test } from 'tap'
import { startFakeProviders, USERHUB_API_VERSION, type FakeProviders } from './providers.mjs'

const KEYS = { userhub: 'uh_key', chargebee: 'cb_key', stripe: 'sk_test_key' }

async function fakes (t: Test): Promise<FakeProviders> {
  const fake = await startFakeProviders({ keys: KEYS, customers: ['cus_1', 'cb_1'], userhubConnectionId: 'conn_1' })
  t.teardown(() => fake.close())
  return fake
}

async function post (url: string, headers: Record<string, string>, body: string): Promise<{ status: number, body: any }> {
  const response = await fetch(url, { method: 'POST', headers, body })
  return { status: response.status, body: await response.json() }
}

const userhubHeaders = { authorization: `Bearer ${KEYS.userhub}`, 'userhub-api-version': USERHUB_API_VERSION, 'content-type': 'application/json' }
const basic = `Basic ${Buffer.from(`${KEYS.chargebee}:`).toString('base64')}`
const form = 'application/x-www-form-urlencoded'

t.test('UserHub: key, API version, JSON, path encoding, connection and body fields are checked', async t => {
  const fake = await fakes(t)
  const url = (segment: string): string => `${fake.url}/admin/v1/users/${segment}:createPortalSession`
  const ok = await post(url('auth0%7C1@conn_1'), userhubHeaders, '{"portalUrl":"/x"}')
  t.equal(ok.status, 200)
  t.match(ok.body, { redirectUrl: /^http:\/\/127\.0\.0\.1:\d+\/portal\/userhub\// })
  const refusals: Array<[string, Record<string, string>, string, number, string]> = [
    ['auth0%7C1@conn_1', { ...userhubHeaders, authorization: 'Bearer nope' }, '{}', 401, 'UNAUTHENTICATED'],
    ['auth0%7C1@conn_1', { ...userhubHeaders, 'userhub-api-version': '2020-01-01' }, '{}', 400, 'INVALID_ARGUMENT'],
    ['auth0%7C1@conn_1', { ...userhubHeaders, 'content-type': form }, '{}', 400, 'INVALID_ARGUMENT'],
    ['auth0|1@conn_1', userhubHeaders, '{}', 400, 'INVALID_ARGUMENT'],
    ['auth0%7C1%40conn_1', userhubHeaders, '{}', 400, 'INVALID_ARGUMENT'],
    ['%E0%A4%A', userhubHeaders, '{}', 400, 'INVALID_ARGUMENT'],
    ['auth0%7C1', userhubHeaders, '{}', 404, 'NOT_FOUND'],
    ['auth0%7C1@conn_2', userhubHeaders, '{}', 404, 'NOT_FOUND'],
    ['auth0%7C1@conn_1', userhubHeaders, '{', 400, 'INVALID_ARGUMENT'],
    ['auth0%7C1@conn_1', userhubHeaders, '[]', 400, 'INVALID_ARGUMENT'],
    ['auth0%7C1@conn_1', userhubHeaders, '{"portalURL":"/x"}', 400, 'INVALID_ARGUMENT'],
    ['auth0%7C1@conn_1', userhubHeaders, '{"portalUrl":5}', 400, 'INVALID_ARGUMENT']
  ]
  for (const [segment, headers, body, status, code] of refusals) {
    const answer = await post(url(segment), headers, body)
    t.equal(answer.status, status, `${segment} ${body}`)
    t.equal(answer.body.code, code)
  }
  const get = await fetch(url('auth0%7C1@conn_1'))
  t.equal(get.status, 405)
})

t.test('Chargebee: Basic auth with an empty password, form encoding, customer[id] and lengths are checked', async t => {
  const fake = await fakes(t)
  const url = `${fake.url}/api/v2/portal_sessions`
  const ok = await post(url, { authorization: basic, 'content-type': form }, 'customer%5Bid%5D=cb_1')
  t.equal(ok.status, 200)
  t.match(ok.body.portal_session, { object: 'portal_session', status: 'created', customer_id: 'cb_1' })
  t.equal(ok.body.portal_session.expires_at - ok.body.portal_session.created_at, 3600)
  const refusals: Array<[Record<string, string>, string, number, string]> = [
    [{ authorization: `Basic ${Buffer.from(`${KEYS.chargebee}:x`).toString('base64')}`, 'content-type': form }, 'customer%5Bid%5D=cb_1', 401, 'api_authentication_failed'],
    [{ authorization: `Basic ${Buffer.from(KEYS.chargebee).toString('base64')}`, 'content-type': form }, 'customer%5Bid%5D=cb_1', 401, 'api_authentication_failed'],
    [{ authorization: `Bearer ${KEYS.chargebee}`, 'content-type': form }, 'customer%5Bid%5D=cb_1', 401, 'api_authentication_failed'],
    [{ authorization: basic, 'content-type': 'application/json' }, '{"customer":{"id":"cb_1"}}', 400, 'invalid_request'],
    [{ authorization: basic, 'content-type': form }, 'customer_id=cb_1', 400, 'param_wrong_value'],
    [{ authorization: basic, 'content-type': form }, `customer%5Bid%5D=${'c'.repeat(51)}`, 400, 'param_wrong_value'],
    [{ authorization: basic, 'content-type': form }, `customer%5Bid%5D=cb_1&forward_url=${'f'.repeat(251)}`, 400, 'param_wrong_value'],
    [{ authorization: basic, 'content-type': form }, 'customer%5Bid%5D=cb_2', 404, 'resource_not_found']
  ]
  for (const [headers, body, status, code] of refusals) {
    const answer = await post(url, headers, body)
    t.equal(answer.status, status, body)
    t.equal(answer.body.api_error_code, code)
    t.equal(answer.body.http_status_code, status)
  }
})

t.test('Stripe: Bearer key, form encoding, known params, customer, URL and flow data are checked', async t => {
  const fake = await fakes(t)
  const url = `${fake.url}/v1/billing_portal/sessions`
  const headers = { authorization: `Bearer ${KEYS.stripe}`, 'content-type': form }
  const ok = await post(url, headers, 'customer=cus_1&flow_data%5Btype%5D=subscription_update&flow_data%5Bsubscription_update%5D%5Bsubscription%5D=sub_1')
  t.equal(ok.status, 200)
  t.match(ok.body, { object: 'billing_portal.session', customer: 'cus_1', flow: { type: 'subscription_update' }, url: /\/portal\/stripe\// })
  const refusals: Array<[Record<string, string>, string, number, string | undefined]> = [
    [{ 'content-type': form }, 'customer=cus_1', 401, undefined],
    [{ ...headers, authorization: 'Bearer sk_test_other' }, 'customer=cus_1', 401, 'api_key_invalid'],
    [{ ...headers, 'content-type': 'application/json' }, '{"customer":"cus_1"}', 400, undefined],
    [headers, 'customer=cus_1&customer_email=a%40b.c', 400, 'parameter_unknown'],
    [headers, 'return_url=https%3A%2F%2Fa.b', 400, 'parameter_missing'],
    [headers, 'customer=cus_2', 400, 'resource_missing'],
    [headers, 'customer=cus_1&return_url=javascript%3Aalert(1)', 400, 'url_invalid'],
    [headers, 'customer=cus_1&flow_data%5Btype%5D=nope', 400, 'parameter_invalid_string'],
    [headers, 'customer=cus_1&flow_data%5Btype%5D=subscription_cancel', 400, 'parameter_missing']
  ]
  for (const [requestHeaders, body, status, code] of refusals) {
    const answer = await post(url, requestHeaders, body)
    t.equal(answer.status, status, body)
    t.equal(answer.body.error.code, code)
    t.equal(typeof answer.body.error.message, 'string')
  }
})

t.test('portal pages work once; unknown paths are 404', async t => {
  const fake = await fakes(t)
  t.equal((await fetch(`${fake.url}/portal/stripe/unknown`)).status, 401)
  t.equal((await fetch(`${fake.url}/v2/elsewhere`, { method: 'POST' })).status, 404)
})
