import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { POLICY_VERSION_HEADER } from '../../src/hooks/routes.js'
import type { Policy } from '../../src/policy/types.js'
import { appFor, loadOk, LogCapture, shippedApp } from '../helpers.js'

const json = { 'content-type': 'application/json' }

async function post (app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = json): Promise<{ status: number, body: any, headers: Record<string, unknown> }> {
  const response = await app.inject({ method: 'POST', url, headers, payload: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: response.statusCode, body: response.body === '' ? undefined : response.json(), headers: response.headers }
}

t.test('the seed\'s example on the shipped conf/auth.yaml', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  const signup = (data: Record<string, unknown>, provider = 'email'): Promise<{ status: number, body: any }> =>
    post(app, '/signup-hook', { provider, data }).then(({ status, body }) => ({ status, body }))

  const denied = await post(app, '/signup-hook', { provider: 'email', data: { email: 'ann@gmail.com', password: 'x' } })
  t.equal(denied.status, 403)
  t.same(denied.body, { code: 'invalid-email', message: 'Only users with company.com domain are allowed' })
  t.match(denied.headers['content-type'], /^application\/json/)
  t.match(denied.headers[POLICY_VERSION_HEADER], /^[0-9a-f]{12}$/)

  t.same(await signup({ email: 'ann@company.com', password: 'x' }), { status: 200, body: { roles: [] } })
  t.same(await signup({ email: 'ann@COMPANY.COM.' }), { status: 200, body: { roles: [] } })
  t.same(await signup({ email: 'ann@sales.company.com' }), { status: 403, body: { code: 'invalid-email', message: 'Only users with company.com domain are allowed' } }, 'no subdomains')
  t.same(await signup({ email: 'company.com@gmail.com' }), { status: 403, body: { code: 'invalid-email', message: 'Only users with company.com domain are allowed' } })
  t.same(await signup({ email: 'ann@gmail.com@company.com' }), { status: 403, body: { code: 'invalid-email', message: 'Only users with company.com domain are allowed' } }, 'unparseable: denied')
  t.same(await signup({}), { status: 403, body: { code: 'invalid-email', message: 'Only users with company.com domain are allowed' } }, 'no email: denied')
  t.same(await signup({ email: 'ann@company.com', accountType: 'merchant' }), { status: 200, body: { roles: ['merchant'] } })
  t.same(await signup({ email: 'ann@gmail.com' }, 'google'), { status: 200, body: { roles: [] } }, 'the rule is for the email provider only')

  t.same(await signup({ username: 'ann_1', password: 'x' }, 'username'), { status: 200, body: { roles: [] } })
  t.same(await signup({ username: 'Ann', password: 'x', accountType: 'merchant' }, 'username'), {
    status: 400, body: { code: 'invalid-username', message: 'Usernames are 3-32 characters: a-z, 0-9, _ . -, starting with a letter' }
  })
  t.same(await signup({ username: 'ab' }, 'username'), { status: 400, body: { code: 'invalid-username', message: 'Usernames are 3-32 characters: a-z, 0-9, _ . -, starting with a letter' } })
  t.same(await signup({}, 'username'), { status: 400, body: { code: 'invalid-username', message: 'Usernames are 3-32 characters: a-z, 0-9, _ . -, starting with a letter' } })
  t.same(await signup({ username: 'admin' }, 'username'), { status: 403, body: { code: 'username-taken', message: 'This username is reserved' } })
  t.same(await signup({ username: 'ADMIN' }, 'github'), { status: 403, body: { code: 'username-taken', message: 'This username is reserved' } })
  t.same(await signup({ username: 'merchant_ann', accountType: 'merchant' }, 'username'), { status: 200, body: { roles: ['merchant'] } })

  const login = await post(app, '/login-hook', { provider: 'email', data: { email: 'ann@gmail.com', password: 'x' } })
  t.same([login.status, login.body], [200, { roles: [] }])
  const blocked = await post(app, '/login-hook', { provider: 'google', data: { email: 'ann@eu.BLOCKED.example.' } })
  t.same([blocked.status, blocked.body], [403, { code: 'account-blocked', message: 'Logins from this domain are blocked' }])
})

t.test('a field longer than limits.fieldLength gets 400 field-too-long', async t => {
  const app = await appFor('limits: { fieldLength: 16 }\nhooks:\n  preSignup:\n    rules:\n      - { name: u, when: { field: data.user.name, matches: "^a" }, deny: { code: a, message: a } }\n')
  t.teardown(() => app.close())
  const { status, body } = await post(app, '/signup-hook', { provider: 'email', data: { user: { name: 'b'.repeat(17) } } })
  t.equal(status, 400)
  t.same(body, { code: 'field-too-long', message: 'A field is longer than 16 characters', detail: { field: 'data.user.name' } })
})

t.test('each malformed request gets a 4xx with a stable code, never a 500', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  const invalidRequest = 'Request body must be {"provider": string, "data": object}'
  const cases: Array<[string, Record<string, string>, string | undefined, number, Record<string, unknown>]> = [
    ['not JSON', json, '{"provider": "email", data', 400, { code: 'invalid-json', message: 'Request body is not valid JSON' }],
    ['empty body', json, '', 400, { code: 'invalid-json', message: 'Request body is empty' }],
    ['__proto__ poisoning', json, '{"provider":"email","data":{"__proto__":{"admin":true}}}', 400, { code: 'invalid-json', message: 'Request body is not valid JSON' }],
    ['constructor.prototype poisoning', json, '{"provider":"email","data":{"constructor":{"prototype":{"admin":true}}}}', 400, { code: 'invalid-json', message: 'Request body is not valid JSON' }],
    ['text/plain', { 'content-type': 'text/plain' }, '{"provider":"email","data":{}}', 415, { code: 'unsupported-media-type', message: 'Content-Type must be application/json' }],
    ['form encoded', { 'content-type': 'application/x-www-form-urlencoded' }, 'provider=email', 415, { code: 'unsupported-media-type', message: 'Content-Type must be application/json' }],
    ['no content type', {}, '{"provider":"email","data":{}}', 415, { code: 'unsupported-media-type', message: 'Content-Type must be application/json' }],
    ['no body at all', {}, undefined, 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/', message: 'must be object' }] }],
    ['a JSON array', json, '[]', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/', message: 'must be object' }] }],
    ['JSON null', json, 'null', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/', message: 'must be object' }] }],
    ['missing provider', json, '{"data":{}}', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/', message: "must have required property 'provider'" }] }],
    ['empty provider', json, '{"provider":"","data":{}}', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/provider', message: 'must NOT have fewer than 1 characters' }] }],
    ['provider not a string', json, '{"provider":1,"data":{}}', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/provider', message: 'must be string' }] }],
    ['missing data', json, '{"provider":"email"}', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/', message: "must have required property 'data'" }] }],
    ['data an array', json, '{"provider":"email","data":[]}', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/data', message: 'must be object' }] }],
    ['data a string', json, '{"provider":"email","data":"x"}', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/data', message: 'must be object' }] }],
    ['data null', json, '{"provider":"email","data":null}', 400, { code: 'invalid-request', message: invalidRequest, detail: [{ path: '/data', message: 'must be object' }] }],
    ['over the size limit', json, JSON.stringify({ provider: 'email', data: { x: 'a'.repeat(65536) } }), 413, { code: 'body-too-large', message: 'Request body is too large' }],
    ['Content-Length larger than the body', { ...json, 'content-length': '5' }, '{"provider":"email","data":{}}', 400, { code: 'bad-request', message: 'Content-Length does not match the body' }]
  ]
  for (const [name, headers, payload, status, body] of cases) {
    const response = await app.inject({ method: 'POST', url: '/signup-hook', headers, ...(payload === undefined ? {} : { payload }) })
    t.same([response.statusCode, response.json()], [status, body], name)
  }
})

t.test('a URL that does not decode, and unknown routes, get the same body', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  const bad = await app.inject({ method: 'POST', url: '/signup-hook%', headers: json, payload: '{}' })
  t.same([bad.statusCode, bad.json()], [400, { code: 'bad-request', message: 'Request URL is not valid' }])
  const get = await app.inject({ method: 'GET', url: '/signup-hook?x=1' })
  t.same([get.statusCode, get.json()], [405, { code: 'method-not-allowed', message: 'GET is not allowed here; use POST' }])
  const other = await post(app, '/signup-hook/', { provider: 'email', data: {} })
  t.same([other.status, other.body], [404, { code: 'not-found', message: 'No route for POST /signup-hook/' }])
})

t.test('only configured hooks are served; a hook dropped by a new policy answers 404 unknown-hook', async t => {
  const both = await loadOk('hooks:\n  preSignup: { rules: [] }\n  preLogin: { path: /in, rules: [] }\n')
  const signupOnly = await loadOk('hooks:\n  preSignup: { rules: [{ name: closed, deny: { code: closed, message: Closed } }] }\n')
  const app = await buildApp({ policy: both.policy, config: both.config, logger: false })
  t.teardown(() => app.close())
  t.same((await post(app, '/in', { provider: 'email', data: {} })).body, { roles: [] })
  t.equal((await post(app, '/login-hook', { provider: 'email', data: {} })).status, 404)
  app.policies.replace(signupOnly.policy)
  t.equal(app.policies.current, signupOnly.policy)
  const gone = await post(app, '/in', { provider: 'email', data: {} })
  t.same([gone.status, gone.body], [404, { code: 'unknown-hook', message: 'The preLogin hook is not configured' }])
  const replaced = await post(app, '/signup-hook', { provider: 'email', data: {} })
  t.same([replaced.status, replaced.body, replaced.headers[POLICY_VERSION_HEADER]], [403, { code: 'closed', message: 'Closed' }, signupOnly.policy.version])
})

t.test('an unexpected error is a 500 internal-error with the request id, logged, never an allow', async t => {
  const { config, policy: loadedPolicy } = await loadOk('hooks:\n  preSignup: { rules: [] }\n')
  const policy: Policy = {
    ...loadedPolicy,
    version: 'broken',
    hooks: new Map([['preSignup', { ...loadedPolicy.hooks.get('preSignup')!, decide: () => { throw new Error('decide exploded') } }]])
  }
  const logs = new LogCapture()
  const app = await buildApp({ policy, config, loggerInstance: logs.logger })
  t.teardown(() => app.close())
  const response = await app.inject({ method: 'POST', url: '/signup-hook', headers: json, payload: '{"provider":"email","data":{}}' })
  t.equal(response.statusCode, 500)
  const requestId = response.headers['x-request-id'] as string
  t.match(requestId, /^[A-Za-z0-9_-]{8}-1$/, 'ids are <boot>-<n>')
  t.same(response.json(), { code: 'internal-error', message: 'Internal error', detail: { requestId } })
  t.notMatch(response.body, /exploded/, 'details stay in the log')
  t.match(logs.records.find(record => record.msg === 'request failed'), { level: 50, reqId: requestId, err: { message: 'decide exploded' } })
})

t.test('one decision record per hook call; refusals logged with their code', async t => {
  const logs = new LogCapture()
  const app = await shippedApp(logs)
  t.teardown(() => app.close())
  const ids = [
    await post(app, '/signup-hook', { provider: 'email', data: { email: 'ann@gmail.com' } }),
    await post(app, '/signup-hook', { provider: 'email', data: { email: 'ann@company.com', accountType: 'merchant' } }),
    await post(app, '/signup-hook', 'not json')
  ].map(response => response.headers['x-request-id'])
  const decisions = logs.records.filter(record => record.msg === 'decision')
  t.equal(decisions.length, 2)
  t.match(decisions[0], { level: 30, reqId: ids[0], hook: 'preSignup', provider: 'email', outcome: 'deny', rule: 'company-email-only', status: 403, policy: /^[0-9a-f]{12}$/, ms: Number })
  t.match(decisions[1], { reqId: ids[1], hook: 'preSignup', provider: 'email', outcome: 'allow', rule: null, status: 200 })
  t.ok((decisions[0]?.ms as number) >= 0)
  t.match(logs.records.find(record => record.msg === 'request refused'), { reqId: ids[2], code: 'invalid-json', status: 400 })
})

t.test('passwords, tokens, cookies and authorization headers never reach a log line', async t => {
  const logs = new LogCapture()
  const app = await shippedApp(logs)
  t.teardown(() => app.close())
  const secrets = ['hunter2-password', 'tok-abc123', 'refresh-xyz789', 'otp-424242', 'cookie-sess-1', 'Bearer auth-header-1', 'client-secret-9']
  const headers = { ...json, authorization: 'Bearer auth-header-1', cookie: 'session=cookie-sess-1' }
  const data = { email: 'ann@gmail.com', password: 'hunter2-password', token: 'tok-abc123', refresh_token: 'refresh-xyz789', otp: 'otp-424242', nested: { secret: 'client-secret-9' } }
  await post(app, '/signup-hook', { provider: 'email', data }, headers)
  await post(app, '/signup-hook', { provider: 'email', data: { ...data, email: 'ann@company.com' } }, headers)
  await post(app, '/login-hook', { provider: 'email', data }, headers)
  await post(app, '/signup-hook', '{"provider":"email","data":{"password":"hunter2-password"', headers)
  await post(app, '/signup-hook', { provider: 1, data: { password: 'hunter2-password' } }, headers)
  await post(app, '/signup-hook', { provider: 'email', data: { password: 'hunter2-password', x: 'y'.repeat(70000) } }, headers)
  t.ok(logs.lines.length >= 6, 'there were log lines to check')
  for (const line of logs.lines) {
    for (const secret of secrets) t.notOk(line.includes(secret), `no ${secret} in ${line.slice(0, 80)}`)
  }
})
