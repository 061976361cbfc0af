// Issue 16: every route's invalid-request names what that route accepts (it used to be the hook
// body's message everywhere), and framework-level failures get our {code, message} shape.
import { connect } from 'node:net'
import t from 'tap'
import { failurePage, shippedApp } from '../helpers.js'
import { buildUserApp, identityConfig } from '../helpers/user-app.js'
import { signToken } from '../portal/tokens.js'

const connectConfig = {
  apiUrl: 'http://127.0.0.1:1',
  apiKey: 'unipile-key',
  publicUrl: 'https://auth.example.com',
  successRedirectUrl: 'https://app.example.com/ok',
  failureRedirectUrl: 'https://app.example.com/failed',
  webhookSecret: 'webhook-secret-0123456789'
}
const chargebeeLogin = {
  site: 'acme-test',
  apiKey: 'chargebee-key',
  publicUrl: 'https://auth.example.com',
  cookieSecret: 'cookie-secret-0123456789-0123456789-abcdef',
  apiBaseUrl: 'http://127.0.0.1:1'
}
const profiles = { schema: { type: 'object' as const, properties: { name: { type: 'string' } } } }

t.test('each route\'s invalid-request says what that route accepts', async t => {
  const app = await buildUserApp({ identity: identityConfig, profiles, admin: { token: 'admin-token-0123456789-0123456789-xyz' }, connect: connectConfig, chargebeeLogin }, { sqlitePath: ':memory:' })
  t.teardown(() => app.close())
  const ada = { authorization: `Bearer ${await signToken('user_ada')}` }
  const token = 'a'.repeat(43)
  const json = async (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> => {
    const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
    return { status: res.statusCode, body: res.json() }
  }

  t.match(await json('POST', `/connect/notify/${token}`, {}), { status: 400, body: { code: 'invalid-request', message: 'Request body must be {"status": "CREATION_SUCCESS" | "RECONNECTED", "account_id": string, "name"?: string}' } })
  t.match(await json('POST', '/connect/notify/short', { status: 'RECONNECTED', account_id: 'a' }), { status: 400, body: { code: 'invalid-request', message: 'The notify token must be the 43-character token of a hosted auth link' } })
  t.match(await json('POST', '/connect/webhook', { other: 1 }, { 'unipile-auth': connectConfig.webhookSecret }),
    { status: 400, body: { code: 'invalid-request', message: 'Request body must be {"AccountStatus": {"account_id": string, "message": string, "account_type"?: string}}', detail: [{ path: '/' }] } })
  t.match(await json('POST', '/users/me', [1] as unknown as object, ada), { status: 400, body: { code: 'invalid-request', message: 'Request body must be a JSON object of profile fields' } })
  t.match(await json('GET', `/admin/users/${'x'.repeat(300)}`), { status: 400, body: { code: 'invalid-request', message: 'The user id must be 1 to 256 characters' } })
  t.match(await json('GET', `/admin/users/${'x'.repeat(600)}`), { status: 414, body: { code: 'uri-too-long', message: 'A URL path segment is longer than 512 characters' } })

  // Browser-facing routes answer with the plain page; the message is logged, the code shown.
  const noParameters = await app.inject({ method: 'GET', url: '/auth/chargebee/return' })
  t.equal(noParameters.statusCode, 400)
  t.match(failurePage(noParameters), { code: 'invalid-request', title: 'This link is not valid' })
  const badProviders = await app.inject({ method: 'GET', url: '/connect?providers=lower', headers: ada })
  t.match(failurePage(badProviders), { code: 'invalid-request' })
  const badNext = await app.inject({ method: 'GET', url: '/auth/chargebee/login?next=/ok&extra=1' })
  t.match(failurePage(badNext), { code: 'invalid-request' })
  const badAccount = await app.inject({ method: 'GET', url: '/connect/reconnect', headers: ada })
  t.match(failurePage(badAccount), { code: 'invalid-request' })
})

t.test('a route with no message of its own names its method and URL', async t => {
  const app = await shippedApp()
  app.get('/test/typed', { schema: { querystring: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } }, async () => ({}))
  t.teardown(() => app.close())
  const res = await app.inject('/test/typed')
  t.match(res.json(), { code: 'invalid-request', message: 'Request querystring is not valid for GET /test/typed' })
})

t.test('a body cut short after its Content-Length gets our error shape, not Fastify\'s', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const raw = async (request: string): Promise<string> => await new Promise(resolve => {
    const socket = connect(port, '127.0.0.1', () => { socket.end(request) })
    let answer = ''
    socket.on('data', chunk => { answer += chunk.toString() })
    socket.on('close', () => resolve(answer))
  })
  const short = await raw('POST /signup-hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"provider":')
  t.match(short, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.same(JSON.parse(short.slice(short.indexOf('\r\n\r\n') + 4)), { code: 'bad-request', message: 'Request is malformed or ended early (a body shorter than its Content-Length)' })
  const malformed = await raw('NOT HTTP\r\n\r\n')
  t.match(malformed, /"code":"bad-request"/)
  const metrics = await app.inject('/metrics')
  t.match(metrics.body, /auth_hooks_refusals_total\{code="bad-request",reason=""\} 2/)
})
