// The fake Chargebee login and the fake Unipile wizard behave as the real systems document it
// (docs: /work/shared/reference/wire-formats.md §5, §7), not as auth-hooks happens to call them.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { API_KEY as CHARGEBEE_KEY, FakeChargebee } from './chargebee.mjs'
import { API_KEY as UNIPILE_KEY, FakeUnipile } from './unipile.mjs'

const basic = `Basic ${Buffer.from(`${CHARGEBEE_KEY}:`).toString('base64')}`

t.test('Chargebee portal login: whitelisted return/cancel domains, sign-in by email, a session to activate once', async t => {
  const chargebee = new FakeChargebee({ customers: { 'ada@example.com': 'cus_ada' }, allowedDomains: ['app.example.com'] })
  const url = await chargebee.start()
  t.teardown(() => chargebee.close())
  const login = (query: string): Promise<Response> => fetch(`${url}/portal/login?${query}`, { redirect: 'manual' })

  t.equal((await login('return_url=https%3A%2F%2Fevil.com%2Fback')).status, 400, 'return_url off the whitelist')
  t.equal((await login('return_url=https%3A%2F%2Fapp.example.com%2Fback&cancel_url=javascript%3Aalert(1)')).status, 400, 'cancel_url too')
  t.equal((await login('')).status, 400, 'return_url is required')
  const page = await login('return_url=https%3A%2F%2Fapp.example.com%2Fback%3Fx%3D1&cancel_url=https%3A%2F%2Fapp.example.com%2F')
  t.equal(page.status, 200)
  t.match(await page.text(), '<a href="https://app.example.com/">Cancel</a>')

  const signIn = (email: string): Promise<Response> => fetch(`${url}/portal/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, return_url: 'https://app.example.com/back?x=1' }).toString()
  })
  t.equal((await signIn('eve@example.com')).status, 401, 'an unknown email stays on the login page')
  const back = new URL((await signIn('ada@example.com')).headers.get('location')!)
  t.equal(`${back.origin}${back.pathname}`, 'https://app.example.com/back')
  t.equal(back.searchParams.get('x'), '1', 'return_url keeps its own query')
  const id = back.searchParams.get('auth_session_id')!
  const token = back.searchParams.get('auth_session_token')!
  t.equal(chargebee.requests.length, 0, 'the portal pages are no API calls')

  const api = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${url}/api/v2/portal_sessions/${path}`, { ...init, headers: { authorization: basic, ...init.headers } })
  const retrieved = await api(id)
  t.match(await retrieved.json(), { portal_session: { id, status: 'not_yet_activated', customer_id: 'cus_ada', object: 'portal_session', linked_customers: [{ email: 'ada@example.com' }] } })
  const activate = (): Promise<Response> => api(`${id}/activate`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` })
  const activated = await activate()
  t.equal(activated.status, 200, 'a content type without charset is fine')
  t.match(await activated.json(), { portal_session: { status: 'activated', login_at: Number } })
  const again = await activate()
  t.same([again.status, (await again.json() as { api_error_code: string }).api_error_code], [400, 'invalid_state_for_request'], 'once only')
  const json = await api(`${id}/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.same([json.status, (await json.json() as { error_code: string }).error_code], [400, 'invalid_content_type'])
  t.equal((await api(`${id}/activate`)).status, 404, 'activate is a POST')
  t.equal((await fetch(`${url}/elsewhere`)).status, 404)
})

t.test('Unipile wizard: expired links refused, the status webhook sent as Unipile sends it', async t => {
  const received: Array<{ headers: Record<string, unknown>, body: string }> = []
  const receiver = createServer((request, response) => {
    let body = ''
    request.on('data', chunk => { body += String(chunk) })
    request.on('end', () => {
      received.push({ headers: request.headers, body })
      response.writeHead(received.length === 1 ? 200 : 500).end()
    })
  }).listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  t.teardown(() => { receiver.close() })
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/connect/webhook`

  await t.rejects(new FakeUnipile().accountStatus('x', 'OK'), /no webhook configured/)
  const unipile = new FakeUnipile({ wizard: true, webhook: { url: hook, headers: { 'unipile-auth': 'secret' } } })
  const url = await unipile.start()
  t.teardown(() => unipile.close())
  const link = async (body: object): Promise<string> => {
    const response = await fetch(`${url}/api/v1/hosted/accounts/link`, { method: 'POST', headers: { 'x-api-key': UNIPILE_KEY, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) })
    return (await response.json() as { url: string }).url
  }
  const base = { type: 'create', providers: ['WHATSAPP'], api_url: url, name: 'user_1', success_redirect_url: 'https://app.example.com/ok' }
  const expired = await link({ ...base, expiresOn: '2020-01-01T00:00:00.000Z' })
  t.equal((await fetch(expired)).status, 404, 'an expired link shows no wizard')
  const live = await link({ ...base, expiresOn: new Date(Date.now() + 60_000).toISOString() })
  t.match(await (await fetch(live)).text(), 'connect a WHATSAPP account')
  const done = await fetch(live, { method: 'POST', redirect: 'manual' })
  t.equal(done.headers.get('location'), 'https://app.example.com/ok', 'no notify_url: straight to success_redirect_url')
  const [accountId, account] = [...unipile.accounts][0]!
  t.match(account, { type: 'WHATSAPP', name: 'user_1', status: 'CREATION_SUCCESS' })
  t.match(await (await fetch(`${url}/`)).text(), `Expire credentials of ${accountId}`)

  const expire = (id: string, message = 'CREDENTIALS'): Promise<Response> => fetch(`${url}/accounts/${id}/status`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ message }) })
  t.equal((await expire(accountId)).status, 303)
  t.same(JSON.parse(received[0]!.body), { AccountStatus: { account_id: accountId, account_type: 'WHATSAPP', message: 'CREDENTIALS' } })
  t.equal(received[0]!.headers['unipile-auth'], 'secret')
  t.notMatch(received[0]!.headers['content-type'], /json/, 'no JSON content type, as API-created webhooks')
  t.equal((await expire(accountId)).status, 502, 'a refused webhook is shown')
  t.equal((await expire('unknown')).status, 404)
  t.equal((await expire(accountId, 'lower')).status, 404)
})
