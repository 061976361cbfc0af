import { createHash } from 'node:crypto'
import t from 'tap'
import { failurePage } from '../helpers.js'
import { backends } from '../helpers/backends.js'
import { buildUserApp, identityConfig } from '../helpers/user-app.js'
import { signToken } from '../portal/tokens.js'
import { openStore } from '../../src/store/index.js'
import type { ConnectConfig } from '../../src/config/types.js'
import { API_KEY, FakeUnipile } from '../fakes/unipile.mjs'

const WEBHOOK_SECRET = 'webhook-secret-0123456789'
const THREE_DIGITS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

const { list, skipped } = backends()
if (skipped !== null) t.comment(skipped)

function connectConfig (apiUrl: string, extra: Partial<ConnectConfig> = {}): ConnectConfig {
  return {
    apiUrl,
    apiKey: API_KEY,
    publicUrl: 'https://auth.example.com',
    providers: ['LINKEDIN', 'WHATSAPP', 'GOOGLE'],
    successRedirectUrl: 'https://app.example.com/accounts?connected=1',
    failureRedirectUrl: 'https://app.example.com/accounts?failed=1',
    webhookSecret: WEBHOOK_SECRET,
    ...extra
  }
}

/** The path part of the notify_url auth-hooks sent to Unipile. */
function notifyPath (request: { body: Record<string, unknown> }): string {
  return new URL(request.body.notify_url as string).pathname
}

for (const backend of list) {
  t.test(`Unipile hosted auth on ${backend.name}`, async t => {
    const unipile = new FakeUnipile()
    const apiUrl = await unipile.start()
    t.teardown(() => unipile.close())
    t.teardown(() => backend.cleanup())
    const storeOptions = await backend.fresh()
    const app = await buildUserApp({ identity: identityConfig, connect: connectConfig(apiUrl) }, storeOptions)
    t.teardown(() => app.close())
    const ada = { authorization: `Bearer ${await signToken('user_ada')}` }
    const bob = { authorization: `Bearer ${await signToken('user_bob')}` }

    t.test('signed out: /connect sends the user to the sign-in page and calls nobody', async t => {
      const res = await app.inject({ method: 'GET', url: '/connect' })
      t.equal(res.statusCode, 302)
      t.equal(res.headers.location, 'https://app.example.com/login?redirect_url=%2Fconnect')
      t.equal(unipile.requests.length, 0)
      const list = await app.inject({ method: 'GET', url: '/me/accounts' })
      t.equal(list.statusCode, 401)
      t.equal(list.json().code, 'unauthenticated')
    })

    t.test('/connect creates a link server-side and redirects to it; the key never leaves', async t => {
      const before = Date.now()
      const res = await app.inject({ method: 'GET', url: '/connect', headers: ada })
      t.equal(res.statusCode, 302)
      t.equal(res.headers.location, 'https://account.unipile.com/pqb%2Gz77l.link1%3D')
      t.equal(res.headers['cache-control'], 'no-store')
      t.notMatch(JSON.stringify(res.headers) + res.body, API_KEY)
      const sent = unipile.requests.at(-1) as { headers: Record<string, unknown>, body: Record<string, unknown> }
      t.equal(sent.headers['x-api-key'], API_KEY)
      t.equal(sent.headers.accept, 'application/json')
      t.match(sent.body.expiresOn, THREE_DIGITS)
      const expiresIn = Date.parse(sent.body.expiresOn as string) - before
      t.ok(expiresIn >= 900_000 && expiresIn < 905_000, 'expires 15 minutes ahead by default')
      t.match(notifyPath(sent), /^\/connect\/notify\/[A-Za-z0-9_-]{43}$/)
      t.same(Object.keys(sent.body), ['type', 'providers', 'api_url', 'expiresOn', 'name', 'success_redirect_url', 'failure_redirect_url', 'notify_url'])
      t.same({ ...sent.body, expiresOn: 'x', notify_url: 'x' }, {
        type: 'create',
        providers: ['LINKEDIN', 'WHATSAPP', 'GOOGLE'],
        api_url: apiUrl,
        expiresOn: 'x',
        name: 'user_ada',
        success_redirect_url: 'https://app.example.com/accounts?connected=1',
        failure_redirect_url: 'https://app.example.com/accounts?failed=1',
        notify_url: 'x'
      })
      t.ok((sent.body.notify_url as string).startsWith('https://auth.example.com/connect/notify/'))
    })

    t.test('?providers= narrows the configured list, never widens it', async t => {
      const res = await app.inject({ method: 'GET', url: '/connect?providers=LINKEDIN,LINKEDIN', headers: ada })
      t.equal(res.statusCode, 302)
      t.same(unipile.requests.at(-1)?.body.providers, ['LINKEDIN'])
      const count = unipile.requests.length
      const refused = await app.inject({ method: 'GET', url: '/connect?providers=LINKEDIN,TELEGRAM', headers: ada })
      t.equal(refused.statusCode, 400)
      t.match(failurePage(refused), { code: 'invalid-request', title: 'This link is not valid' })
      const malformed = await app.inject({ method: 'GET', url: '/connect?providers=linkedin', headers: ada })
      t.equal(malformed.statusCode, 400)
      t.equal(unipile.requests.length, count, 'refused requests never reach Unipile')
    })

    let adaNotify = ''
    t.test('the notify route records user ↔ account; a repeat is idempotent', async t => {
      await app.inject({ method: 'GET', url: '/connect', headers: ada })
      adaNotify = notifyPath(unipile.requests.at(-1) as { body: Record<string, unknown> })
      const payload = { status: 'CREATION_SUCCESS', account_id: 'acc_ada_1', name: 'user_ada' }
      const first = await app.inject({ method: 'POST', url: adaNotify, payload })
      t.equal(first.statusCode, 200)
      t.match(first.json(), { accountId: 'acc_ada_1', status: 'CREATION_SUCCESS', needsReconnect: false, reconnectUrl: '/connect/reconnect?account=acc_ada_1' })
      const results = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: adaNotify, payload })))
      t.same(results.map(r => r.statusCode), Array(20).fill(200), 'concurrent repeats all succeed')
      const accounts = (await app.inject({ method: 'GET', url: '/me/accounts', headers: ada })).json().accounts
      t.equal(accounts.length, 1, 'and leave one account')
      t.equal(accounts[0].accountId, 'acc_ada_1')
      t.equal(accounts[0].connectedAt, first.json().connectedAt)
      t.same((await app.inject({ method: 'GET', url: '/me/accounts', headers: bob })).json(), { accounts: [] })
    })

    t.test('notify: unknown token, wrong name, someone else\'s account, bad body', async t => {
      const unknown = await app.inject({ method: 'POST', url: `/connect/notify/${'A'.repeat(43)}`, payload: { status: 'CREATION_SUCCESS', account_id: 'acc_x' } })
      t.equal(unknown.statusCode, 401)
      t.equal(unknown.json().code, 'unauthorized')
      const short = await app.inject({ method: 'POST', url: '/connect/notify/abc', payload: { status: 'CREATION_SUCCESS', account_id: 'acc_x' } })
      t.equal(short.statusCode, 400)
      const wrongName = await app.inject({ method: 'POST', url: adaNotify, payload: { status: 'CREATION_SUCCESS', account_id: 'acc_x', name: 'user_bob' } })
      t.equal(wrongName.statusCode, 400)
      t.equal(wrongName.json().message, 'name does not match the link')
      await app.inject({ method: 'GET', url: '/connect', headers: bob })
      const bobNotify = notifyPath(unipile.requests.at(-1) as { body: Record<string, unknown> })
      const taken = await app.inject({ method: 'POST', url: bobNotify, payload: { status: 'CREATION_SUCCESS', account_id: 'acc_ada_1', name: 'user_bob' } })
      t.equal(taken.statusCode, 409)
      t.equal(taken.json().code, 'account-taken')
      const badStatus = await app.inject({ method: 'POST', url: bobNotify, payload: { status: 'OK', account_id: 'acc_bob_1' } })
      t.equal(badStatus.statusCode, 400)
      // Unipile may post without a JSON content type.
      const plain = await app.inject({ method: 'POST', url: bobNotify, headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ status: 'CREATION_SUCCESS', account_id: 'acc_bob_1', name: 'user_bob' }) })
      t.equal(plain.statusCode, 200)
      const garbage = await app.inject({ method: 'POST', url: bobNotify, headers: { 'content-type': 'text/plain' }, payload: 'not json' })
      t.equal(garbage.statusCode, 400)
      t.equal(garbage.json().code, 'invalid-json')
    })

    t.test('an expired link\'s notification is refused after the grace hour', async t => {
      const store = await openStore(storeOptions)
      t.teardown(() => store.close())
      const token = 'E'.repeat(43)
      await store.saveConnectLink({ tokenHash: createHash('sha256').update(token).digest('hex'), userId: 'user_ada', type: 'create', accountId: null, expiresAt: Date.now() - 3_600_001 })
      const res = await app.inject({ method: 'POST', url: `/connect/notify/${token}`, payload: { status: 'CREATION_SUCCESS', account_id: 'acc_late' } })
      t.equal(res.statusCode, 401)
      t.equal(res.json().code, 'link-expired')
    })

    t.test('the account-status webhook needs the secret and marks CREDENTIALS', async t => {
      const payload = { AccountStatus: { account_id: 'acc_ada_1', account_type: 'LINKEDIN', message: 'CREDENTIALS' } }
      for (const headers of [{}, { 'unipile-auth': 'wrong' }, { 'unipile-auth': `${WEBHOOK_SECRET}x` }]) {
        const res = await app.inject({ method: 'POST', url: '/connect/webhook', headers, payload })
        t.equal(res.statusCode, 401)
      }
      t.equal((await app.inject({ method: 'GET', url: '/me/accounts', headers: ada })).json().accounts[0].status, 'CREATION_SUCCESS', 'nothing changed')
      // Webhooks created through the API have no content type unless configured.
      const res = await app.inject({ method: 'POST', url: '/connect/webhook', headers: { 'unipile-auth': WEBHOOK_SECRET }, payload: JSON.stringify(payload) })
      t.equal(res.statusCode, 200)
      t.same(res.json(), { accountId: 'acc_ada_1', known: true, status: 'CREDENTIALS' })
      const account = (await app.inject({ method: 'GET', url: '/me/accounts', headers: ada })).json().accounts[0]
      t.equal(account.needsReconnect, true)
      t.equal(account.status, 'CREDENTIALS')
      const unknown = await app.inject({ method: 'POST', url: '/connect/webhook', headers: { 'unipile-auth': WEBHOOK_SECRET }, payload: { AccountStatus: { account_id: 'acc_elsewhere', message: 'OK' } } })
      t.same(unknown.json(), { accountId: 'acc_elsewhere', known: false }, 'unknown accounts get 200 so Unipile does not retry')
      const bad = await app.inject({ method: 'POST', url: '/connect/webhook', headers: { 'unipile-auth': WEBHOOK_SECRET }, payload: { account_id: 'acc_ada_1' } })
      t.equal(bad.statusCode, 400)
    })

    t.test('reconnect: only the owner, type reconnect, then RECONNECTED clears the flag', async t => {
      for (const [headers, account] of [[bob, 'acc_ada_1'], [ada, 'acc_nobody']] as const) {
        const count = unipile.requests.length
        const res = await app.inject({ method: 'GET', url: `/connect/reconnect?account=${account}`, headers })
        t.equal(res.statusCode, 404, `${account} is not found for this user`)
        t.match(failurePage(res), { code: 'not-found', title: 'Not found' })
        t.equal(unipile.requests.length, count)
      }
      t.equal((await app.inject({ method: 'GET', url: '/connect/reconnect?account=acc_ada_1' })).statusCode, 302, 'signed out: to the sign-in page')
      t.equal((await app.inject({ method: 'GET', url: '/connect/reconnect?account=a%20b', headers: ada })).statusCode, 400)
      const res = await app.inject({ method: 'GET', url: '/connect/reconnect?account=acc_ada_1', headers: ada })
      t.equal(res.statusCode, 302)
      const sent = unipile.requests.at(-1) as { body: Record<string, unknown> }
      t.equal(sent.body.type, 'reconnect')
      t.equal(sent.body.reconnect_account, 'acc_ada_1')
      t.equal(sent.body.providers, undefined)
      t.match(sent.body.expiresOn, THREE_DIGITS)
      const path = notifyPath(sent)
      const other = await app.inject({ method: 'POST', url: path, payload: { status: 'RECONNECTED', account_id: 'acc_bob_1', name: 'user_ada' } })
      t.equal(other.statusCode, 400, 'a reconnect link only reconnects its account')
      const done = await app.inject({ method: 'POST', url: path, payload: { status: 'RECONNECTED', account_id: 'acc_ada_1', name: 'user_ada' } })
      t.equal(done.statusCode, 200)
      t.match(done.json(), { status: 'RECONNECTED', needsReconnect: false })
    })

    t.test('Unipile failures become 502/504 with a stable code', async t => {
      const cases = [['server-error', 502, 'connect-refused'], ['no-url', 502, 'connect-unavailable'], ['html', 502, 'connect-unavailable'], ['gateway', 502, 'connect-refused']] as const
      for (const [mode, status, code] of cases) {
        unipile.mode = mode
        const res = await app.inject({ method: 'GET', url: '/connect', headers: ada })
        t.equal(res.statusCode, status, mode)
        t.equal(failurePage(res).code, code, 'the plain HTML page, not JSON')
        t.notMatch(res.body, /Unipile/, 'never the provider\'s message')
      }
      unipile.mode = 'normal'
    })
  })
}

t.test('the fake Unipile is as strict as the real one', async t => {
  const unipile = new FakeUnipile()
  const apiUrl = await unipile.start()
  t.teardown(() => unipile.close())
  const post = async (body: object, headers: Record<string, string> = { 'x-api-key': API_KEY, 'content-type': 'application/json' }): Promise<Response> =>
    await fetch(`${apiUrl}/api/v1/hosted/accounts/link`, { method: 'POST', headers, body: JSON.stringify(body) })
  const good = { type: 'create', providers: '*', api_url: apiUrl, expiresOn: '2024-12-22T12:00:00.701Z' }
  const ok = await post(good)
  t.equal(ok.status, 200)
  t.equal(ok.headers.get('content-type'), 'application/json; charset=utf-8')
  t.same(await ok.json(), { object: 'HostedAuthURL', url: 'https://account.unipile.com/pqb%2Gz77l.link1%3D' })
  const sixDigits = await post({ ...good, expiresOn: '2024-12-22T12:00:00.701123Z' })
  t.equal(sixDigits.status, 400)
  t.same(await sixDigits.json(), { status: 400, type: 'errors/invalid_parameters', title: 'Invalid parameters', detail: 'expiresOn must be an ISO 8601 date with millisecond precision.' })
  t.equal((await post(good, { 'content-type': 'application/json' })).status, 401)
  t.equal((await post({ ...good, providers: ['FAX'] })).status, 400)
  t.equal((await post({ ...good, type: 'reconnect' })).status, 400)
  t.equal((await post({ ...good, type: 'delete' })).status, 400)
  t.equal((await post({ ...good, api_url: undefined })).status, 400)
  t.equal((await post(good, { 'x-api-key': API_KEY, 'content-type': 'text/plain' })).status, 400)
  t.equal((await fetch(`${apiUrl}/api/v1/hosted/accounts/link`, { method: 'POST', headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' }, body: '{' })).status, 400)
  t.equal((await fetch(`${apiUrl}/api/v1/accounts`)).status, 404)
})

t.test('Unipile unreachable or too slow', async t => {
  const unipile = new FakeUnipile()
  const apiUrl = await unipile.start()
  t.teardown(() => unipile.close())
  unipile.mode = 'hang'
  const slow = await buildUserApp({ identity: identityConfig, connect: connectConfig(apiUrl, { timeoutMs: 200, providers: '*:MESSAGING', linkLifetimeSeconds: 60 }) }, { sqlitePath: ':memory:' })
  t.teardown(() => slow.close())
  const ada = { authorization: `Bearer ${await signToken('user_ada')}` }
  const timedOut = await slow.inject({ method: 'GET', url: '/connect', headers: ada })
  t.equal(timedOut.statusCode, 504)
  t.equal(failurePage(timedOut).code, 'connect-unavailable')
  t.equal(unipile.requests.at(-1)?.body.providers, '*:MESSAGING')
  const narrowed = await slow.inject({ method: 'GET', url: '/connect?providers=TELEGRAM', headers: ada })
  t.equal(narrowed.statusCode, 504, 'with a "*:…" setting any known provider may be asked for')
  t.same(unipile.requests.at(-1)?.body.providers, ['TELEGRAM'])

  const closed = await buildUserApp({ identity: identityConfig, connect: { ...connectConfig('http://127.0.0.1:1'), providers: undefined } }, { sqlitePath: ':memory:' })
  t.teardown(() => closed.close())
  const refused = await closed.inject({ method: 'GET', url: '/connect', headers: ada })
  t.equal(refused.statusCode, 502)
  t.match(failurePage(refused), { code: 'connect-unavailable', title: 'Connecting accounts is unavailable' })
})
