import { connect } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import type { Policy } from '../../src/policy/types.js'
import { jsonLimitError } from '../../src/http/json-limits.js'
import { appFromText, captureLogger, loaded, loadText, LogCapture, SHIPPED_CONFIG, shippedApp } from '../helpers/apps.js'
import { loadPolicy } from '../../src/policy/load.js'

const nest = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { k: value } : [value]
  return value
}

t.test('JSON depth and string length caps', async t => {
  const app = await appFromText(`
caller: { none: true }
limits: { jsonDepth: 4, stringLength: 20 }
hooks:
  preSignup:
    rules: []
`)
  t.teardown(() => app.close())
  const post = async (payload: unknown) => {
    const res = await app.inject({ method: 'POST', url: '/signup-hook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
    return { status: res.statusCode, code: res.json().code as string | undefined }
  }
  t.same(await post({ provider: 'email', data: { a: { b: 1 } } }), { status: 200, code: undefined }, 'depth 3')
  t.same(await post({ provider: 'email', data: { a: [{ b: 1 }] } }), { status: 200, code: undefined }, 'depth 4 is the limit')
  t.same(await post({ provider: 'email', data: { a: [{ b: [] }] } }), { status: 400, code: 'json-too-deep' }, 'depth 5')
  t.same(await post({ provider: 'email', data: { s: 'x'.repeat(20) } }), { status: 200, code: undefined })
  t.same(await post({ provider: 'email', data: { s: 'x'.repeat(21) } }), { status: 400, code: 'string-too-long' })
  t.same(await post({ provider: 'email', data: { ['k'.repeat(21)]: 1 } }), { status: 400, code: 'string-too-long' }, 'keys count')
  t.same(await post({ provider: 'email', data: { list: [1, true, null, 'x'.repeat(21)] } }), { status: 400, code: 'string-too-long' }, 'strings in arrays')
  t.same(await post('x'.repeat(21)), { status: 400, code: 'string-too-long' }, 'a bare string body')
  t.same(await post(42), { status: 400, code: 'invalid-request' }, 'a bare number passes the caps, fails the schema')
})

t.test('pathological bodies get a 4xx, never a crash', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  const post = async (payload: string, contentType = 'application/json') => await app.inject({ method: 'POST', url: '/signup-hook', headers: { 'content-type': contentType }, payload })
  const deep = await post(`${'['.repeat(30_000)}${']'.repeat(30_000)}`)
  t.equal(deep.statusCode, 400)
  t.equal(deep.json().code, 'json-too-deep')
  t.equal((await post(JSON.stringify(nest(33)))).json().code, 'json-too-deep', 'the default depth is 32')
  const big = await post(JSON.stringify({ provider: 'email', data: { s: 'x'.repeat(70_000) } }))
  t.equal(big.statusCode, 413)
  t.equal(big.json().code, 'body-too-large')
  t.equal((await post('{"provider":')).json().code, 'invalid-json')
  t.equal((await post('{"provider":"x","data":{"__proto__":{"admin":true}}}')).json().code, 'invalid-json', 'prototype poisoning is refused')
  t.equal((await post('')).json().code, 'invalid-json')
  const text = await post('hello', 'text/plain')
  t.equal(text.statusCode, 415)
  t.equal(text.json().code, 'unsupported-media-type')
})

t.test('jsonLimitError walks without recursion', async t => {
  const limits = { jsonDepth: 1_000_000, stringLength: 10 }
  t.equal(jsonLimitError(nest(200_000), limits), null, 'depth far beyond any call stack')
  t.equal(jsonLimitError(null, limits), null)
  t.equal(jsonLimitError(nest(5, 'x'.repeat(11)), limits)?.code, 'string-too-long')
})

t.test('an exception while deciding is a 500 with a request id, logged with its stack', async t => {
  const { policy, config } = await loaded(loadPolicy(SHIPPED_CONFIG, {}))
  const hooks = new Map(policy.hooks)
  hooks.set('preSignup', { ...policy.hooks.get('preSignup')!, decide: () => { throw new Error('rule engine exploded') } })
  const broken: Policy = { ...policy, hooks }
  const logs = new LogCapture()
  const app = await buildApp({ policy: broken, config, logger: captureLogger(logs) })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/signup-hook', payload: { provider: 'email', data: {} } })
  t.equal(res.statusCode, 500)
  const body = res.json()
  t.equal(body.code, 'internal-error')
  t.equal(typeof body.detail.requestId, 'string')
  t.notMatch(res.body, /exploded/, 'no internals in the answer')
  const logged = logs.records.find(record => record.msg === 'request failed') as { reqId: string, err: { stack: string } }
  t.equal(logged.reqId, body.detail.requestId)
  t.match(logged.err.stack, /rule engine exploded\n\s+at /)
  const next = await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: {} } })
  t.equal(next.statusCode, 200, 'the process goes on serving')
})

t.test('load shedding: 503 overloaded with Retry-After while the event loop is saturated', async t => {
  const { policy, config } = await loaded(loadText(`
caller: { none: true }
limits: { eventLoopDelayMs: 10, retryAfterSeconds: 7 }
hooks:
  preLogin:
    rules: []
`))
  const app = await buildApp({ policy, config, logger: false, loadShedding: true })
  t.teardown(() => app.close())
  await app.ready()
  let res = await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: {} } })
  for (let attempt = 0; attempt < 20 && res.statusCode !== 503; attempt++) {
    const until = Date.now() + 150
    while (Date.now() < until) { /* saturate the event loop */ }
    await new Promise(resolve => setTimeout(resolve, 15))
    res = await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: {} } })
  }
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '7')
  t.same(res.json(), { code: 'overloaded', message: 'The service is overloaded; retry later' })
  t.equal(res.headers['x-content-type-options'], 'nosniff')
})

t.test('server timeouts are set deliberately', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  t.equal(app.server.headersTimeout, 5_000)
  t.equal(app.server.requestTimeout, 10_000)
  t.equal(app.server.keepAliveTimeout, 72_000)
  t.equal(app.server.timeout, 15_000)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  // A client that never finishes its headers (slowloris) is cut off after headersTimeout.
  const started = Date.now()
  const closed = await new Promise<string>(resolve => {
    const socket = connect(port, '127.0.0.1', () => socket.write('POST /signup-hook HTTP/1.1\r\nHost: x\r\n'))
    let answer = ''
    socket.on('data', chunk => { answer += chunk.toString() })
    socket.on('close', () => resolve(answer))
  })
  const elapsed = Date.now() - started
  t.match(closed, /^HTTP\/1.1 408/, 'answered 408 Request Timeout')
  t.ok(elapsed >= 4_500 && elapsed < 9_000, `closed after ${elapsed} ms`)
})
