import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadPolicy } from '../../src/policy/load.js'

t.test('hook requests that are not {provider, data} get a 4xx with a stable code', async t => {
  const loaded = await loadPolicy('conf/auth.yaml')
  if (!loaded.ok) throw new Error('conf/auth.yaml is invalid')
  const app = await buildApp({ policy: loaded.policy, config: loaded.config, logger: false })
  app.get('/test/conflict', async () => { throw Object.assign(new Error('already there'), { statusCode: 409 }) })
  app.get('/test/parse', async () => JSON.parse('{'))
  app.get('/test/crash', async () => { throw new Error('secret internals') })
  t.teardown(() => app.close())
  const post = (payload: string, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: '/signup-hook', headers: { 'content-type': contentType }, payload })

  const shape = await post('{"provider": 1, "data": {}}')
  t.equal(shape.statusCode, 400)
  t.match(shape.json(), { code: 'invalid-request', message: 'Request body must be {"provider": string, "data": object}', detail: [{ path: '/provider', message: 'must be string' }] })
  t.match((await post('{"provider": "email"}')).json(), { code: 'invalid-request', detail: [{ path: '/', message: "must have required property 'data'" }] })
  t.same([(await post('{')).statusCode, (await post('{')).json().code], [400, 'invalid-json'])
  const poisoned = await post('{"provider": "email", "data": {"__proto__": {"admin": true}}}')
  t.same([poisoned.statusCode, poisoned.json().code], [400, 'invalid-json'])
  t.same([(await post('provider=email', 'text/plain')).statusCode, (await post('x', 'text/plain')).json().code], [415, 'unsupported-media-type'])
  const big = await post(JSON.stringify({ provider: 'email', data: { pad: 'x'.repeat(70_000) } }))
  t.same([big.statusCode, big.json().code], [413, 'body-too-large'])

  const conflict = await app.inject('/test/conflict')
  t.same([conflict.statusCode, conflict.json()], [409, { code: 'bad-request', message: 'already there' }])
  const parse = await app.inject('/test/parse')
  t.same([parse.statusCode, parse.json().code], [500, 'internal-error'], 'a handler\'s SyntaxError is a bug, not the client\'s JSON')
  const crash = await app.inject('/test/crash')
  t.equal(crash.statusCode, 500)
  t.same(crash.json(), { code: 'internal-error', message: 'Internal error', detail: { requestId: crash.json().detail.requestId } })
  t.notMatch(crash.body, 'secret internals')
  const get = await app.inject('/signup-hook')
  t.same([get.statusCode, get.json().code], [405, 'method-not-allowed'])
})
