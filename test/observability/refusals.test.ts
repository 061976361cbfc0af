// Issue 16, what an operator sees: every refusal is counted in /metrics (a secret-rotation mistake
// that refuses every login used to be invisible there), and /metrics can be moved to a port of its
// own or put behind a token.
import { request } from 'node:http'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { appFor, loadOk } from '../helpers.js'

const SECRET = 'hook-secret-0123456789abcdef'
const METRICS_TOKEN = 'metrics-token-0123456789'
const hooks = `
hooks:
  preSignup:
    default: allow
    rules: []
  preLogin:
    default: allow
    rules: []
`

function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find(line => line.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('caller refusals by reason, invalid body, too large, too deep, not JSON: each counted', async t => {
  const app = await appFor(`caller: { bearer: { secrets: ['${SECRET}'] } }\nlimits: { bodyBytes: 1024, jsonDepth: 4 }\n${hooks}`)
  t.teardown(() => app.close())
  const ok = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }
  const hook = (headers: Record<string, string>, payload: string) => app.inject({ method: 'POST', url: '/login-hook', headers, payload })
  // A rotation mistake: the caller still sends the old secret.
  for (let i = 0; i < 3; i++) t.equal((await hook({ ...ok, authorization: 'Bearer the-old-secret-0123456789' }, '{"provider":"email","data":{}}')).statusCode, 401)
  await hook({ 'content-type': 'application/json' }, '{}')
  await hook(ok, '{"provider":1,"data":{}}')
  await hook(ok, '{"provider":')
  await hook(ok, JSON.stringify({ provider: 'email', data: { pad: 'x'.repeat(2000) } }))
  await hook(ok, '{"provider":"email","data":{"a":{"b":{"c":{"d":1}}}}}')
  await hook({ ...ok, 'content-type': 'text/plain' }, 'x')
  t.equal((await hook(ok, '{"provider":"email","data":{}}')).statusCode, 200, 'an allowed call is no refusal')
  await app.inject('/nowhere')

  const text = (await app.inject('/metrics')).body
  t.equal(sample(text, 'auth_hooks_refusals_total{code="unauthorized",reason="the bearer secret is not accepted"}'), 3)
  t.equal(sample(text, 'auth_hooks_refusals_total{code="unauthorized",reason="Authorization: Bearer <secret> is required"}'), 1)
  t.equal(sample(text, 'auth_hooks_refusals_total{code="invalid-request",reason=""}'), 1)
  t.equal(sample(text, 'auth_hooks_refusals_total{code="invalid-json",reason=""}'), 1)
  t.equal(sample(text, 'auth_hooks_refusals_total{code="body-too-large",reason=""}'), 1)
  t.equal(sample(text, 'auth_hooks_refusals_total{code="json-too-deep",reason=""}'), 1)
  t.equal(sample(text, 'auth_hooks_refusals_total{code="unsupported-media-type",reason=""}'), 1)
  t.equal(sample(text, 'auth_hooks_refusals_total{code="not-found",reason=""}'), 1)
  t.notMatch(text, /the-old-secret/, 'never a credential')
})

t.test('overloaded: shed requests are counted', async t => {
  const { policy, config } = await loadOk(`limits: { eventLoopDelayMs: 10 }\n${hooks}`)
  const app = await buildApp({ policy, config, logger: false, loadShedding: true })
  t.teardown(() => app.close())
  await app.ready()
  let shed = 0
  for (let attempt = 0; attempt < 40 && shed === 0; attempt++) {
    const block = Date.now() + 60
    while (Date.now() < block) { /* saturate the event loop */ }
    await new Promise(resolve => setTimeout(resolve, 15))
    const res = await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: {} } })
    if (res.statusCode === 503) shed++
  }
  t.ok(shed > 0, 'a saturated loop sheds')
  // Read the registry directly: /metrics itself is shed while the loop is slow.
  const text = await app.metrics.registry.getSingleMetricAsString('auth_hooks_refusals_total')
  t.ok((sample(text, 'auth_hooks_refusals_total{code="overloaded",reason=""}') ?? 0) >= shed, `${shed} shed, all counted`)
})

t.test('server.metrics.token: /metrics needs the bearer token', async t => {
  const app = await appFor(`server: { metrics: { token: '${METRICS_TOKEN}' } }\n${hooks}`)
  t.teardown(() => app.close())
  const none = await app.inject('/metrics')
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], 'Bearer')
  t.same(none.json(), { code: 'unauthorized', message: 'A valid metrics token is required (Authorization: Bearer <token>)' })
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${'x'.repeat(5000)}` } })).statusCode, 401)
  const scraped = await app.inject({ url: '/metrics', headers: { authorization: `bearer ${METRICS_TOKEN}` } })
  t.equal(scraped.statusCode, 200)
  t.equal(sample(scraped.body, 'auth_hooks_refusals_total{code="unauthorized",reason="the metrics token is not accepted"}'), 3)
})

async function get (port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, res => {
      let body = ''
      res.on('data', chunk => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode as number, body }))
    }).on('error', reject).end()
  })
}

t.test('server.metrics.port: /metrics on a port of its own, not on the hook port', async t => {
  const app = await appFor(`server: { metrics: { port: 0, host: 127.0.0.1, token: '${METRICS_TOKEN}' } }\n${hooks}`)
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const hookPort = (app.server.address() as { port: number }).port
  const metricsPort = (app.metricsServer?.address() as { port: number }).port
  t.not(metricsPort, hookPort)
  t.equal((await get(hookPort, '/metrics')).status, 404, 'the hook port no longer serves it')
  t.equal((await get(metricsPort, '/metrics')).status, 401, 'the token still applies')
  const scraped = await get(metricsPort, '/metrics?x=1', { authorization: `Bearer ${METRICS_TOKEN}` })
  t.equal(scraped.status, 200)
  t.match(scraped.body, /auth_hooks_refusals_total\{code="not-found",reason=""\} 1/)
  t.same(await get(metricsPort, '/signup-hook'), { status: 404, body: '{"code":"not-found","message":"Only GET /metrics is served on this port"}' })
})

t.test('a metrics port in use fails the start', async t => {
  const first = await appFor(`server: { metrics: { port: 0 } }\n${hooks}`)
  t.teardown(() => first.close())
  await first.ready()
  const taken = (first.metricsServer?.address() as { port: number }).port
  const second = await appFor(`server: { metrics: { port: ${taken}, host: 127.0.0.1 } }\n${hooks}`)
  await t.rejects(async () => { await second.ready() }, { code: 'EADDRINUSE' })
  await second.close()
})
