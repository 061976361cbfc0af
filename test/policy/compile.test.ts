import t from 'tap'
import type { HookRequest } from '../../src/policy/types.js'
import { loadOk, problemsOf } from '../helpers.js'

const req = (data: Record<string, unknown>, provider = 'email'): HookRequest => ({ provider, data })

async function decider (hook: object, name: 'preSignup' | 'preLogin' = 'preSignup'): Promise<(request: HookRequest) => unknown> {
  const { policy } = await loadOk(JSON.stringify({ hooks: { [name]: hook } }))
  const compiled = policy.hooks.get(name)!
  return request => {
    // The native answer a decision makes (status and body), as the seed's protocol sends it.
    const decision = compiled.decide(request)
    if (decision.outcome === 'allow') return { outcome: 'allow', status: 200, body: { roles: decision.roles }, rule: decision.rule }
    const { status, code, message, detail, rule } = decision
    return { outcome: 'deny', status, body: detail === undefined ? { code, message } : { code, message, detail }, rule }
  }
}

t.test('deny answers with its status, code, message and detail', async t => {
  const decide = await decider({
    rules: [
      { name: 'teapot', when: { field: 'data.tea', exists: true }, deny: { status: 418, code: 'teapot', message: 'No tea', detail: { nested: [1, 'two', null] } } },
      { name: 'plain', deny: { code: 'plain', message: 'Plain' } }
    ]
  })
  t.same(decide(req({ tea: 1 })), { outcome: 'deny', status: 418, body: { code: 'teapot', message: 'No tea', detail: { nested: [1, 'two', null] } }, rule: 'teapot' })
  t.same(decide(req({})), { outcome: 'deny', status: 403, body: { code: 'plain', message: 'Plain' }, rule: 'plain' }, 'status 403 and no detail key when left out')
  const detailString = await decider({ rules: [{ name: 'd', deny: { code: 'c', message: 'm', detail: 'text' } }] })
  t.same((detailString(req({})) as { body: unknown }).body, { code: 'c', message: 'm', detail: 'text' })
  const detailNull = await decider({ rules: [{ name: 'd', deny: { code: 'c', message: 'm', detail: null } }] })
  t.same((detailNull(req({})) as { body: unknown }).body, { code: 'c', message: 'm', detail: null })
})

t.test('allow stops evaluation with the roles collected so far', async t => {
  const decide = await decider({
    default: 'deny',
    rules: [
      { name: 'base', roles: ['user'] },
      { name: 'staff', when: { field: 'data.staff', equals: true }, allow: true },
      { name: 'after', roles: ['never'] },
      { name: 'block', deny: { code: 'blocked', message: 'Blocked' } }
    ]
  })
  t.same(decide(req({ staff: true })), { outcome: 'allow', status: 200, body: { roles: ['user'] }, rule: 'staff' })
  t.same(decide(req({})), { outcome: 'deny', status: 403, body: { code: 'blocked', message: 'Blocked' }, rule: 'block' })
})

t.test('roles accumulate in rule order, de-duplicated, and do not decide', async t => {
  const decide = await decider({
    rules: [
      { name: 'a', roles: ['merchant', 'user'] },
      { name: 'b', when: { provider: 'email' }, roles: ['user', 'beta'] },
      { name: 'c', when: { provider: 'google' }, roles: ['google'] },
      { name: 'd', roles: ['merchant', 'z'] }
    ]
  })
  t.same(decide(req({})), { outcome: 'allow', status: 200, body: { roles: ['merchant', 'user', 'beta', 'z'] }, rule: null })
  t.same(decide(req({}, 'google')), { outcome: 'allow', status: 200, body: { roles: ['merchant', 'user', 'google', 'z'] }, rule: null })
  t.same(decide(req({})), decide(req({})), 'roles do not leak from one request into the next')
})

t.test('defaults: allow (also when left out), deny, custom deny', async t => {
  const none = await decider({ rules: [] })
  t.same(none(req({})), { outcome: 'allow', status: 200, body: { roles: [] }, rule: null })
  const allow = await decider({ default: 'allow', rules: [{ name: 'r', roles: ['x'] }] })
  t.same(allow(req({})), { outcome: 'allow', status: 200, body: { roles: ['x'] }, rule: null })
  const deny = await decider({ default: 'deny', rules: [{ name: 'r', roles: ['x'] }] })
  t.same(deny(req({})), { outcome: 'deny', status: 403, body: { code: 'denied', message: 'Request denied by policy' }, rule: null })
  const custom = await decider({ default: { deny: { status: 401, code: 'closed', message: 'Signups are closed', detail: { until: '2027' } } }, rules: [] })
  t.same(custom(req({})), { outcome: 'deny', status: 401, body: { code: 'closed', message: 'Signups are closed', detail: { until: '2027' } }, rule: null })
})

t.test('hook paths: defaults from the seed, or configured', async t => {
  const { policy } = await loadOk(JSON.stringify({ hooks: { preSignup: { rules: [] }, preLogin: { path: '/auth/login', rules: [] } } }))
  t.equal(policy.hooks.get('preSignup')?.path, '/signup-hook')
  t.equal(policy.hooks.get('preLogin')?.path, '/auth/login')
  const { policy: only } = await loadOk(JSON.stringify({ hooks: { preLogin: { rules: [] } } }))
  t.same([...only.hooks.keys()], ['preLogin'])
  t.equal(only.hooks.get('preLogin')?.path, '/login-hook')
})

t.test('roles on preLogin are refused at load', async t => {
  t.same(await problemsOf(`hooks:
  preLogin:
    rules:
      - name: login-roles
        roles: [admin]
`), ['5:16 preLogin rule "login-roles" roles: roles can only be assigned on preSignup (the auth system ignores them on login)'])
})

t.test('the policy version is a content hash of the config and its list files', async t => {
  const yaml = 'hooks:\n  preLogin:\n    rules:\n      - name: b\n        when: { emailDomain: { in: { file: b.txt } } }\n        deny: { code: b, message: b }\n'
  const a = await loadOk(yaml, { 'b.txt': 'one.com\n' })
  const same = await loadOk(yaml, { 'b.txt': 'one.com\n' })
  const other = await loadOk(yaml, { 'b.txt': 'two.com\n' })
  t.match(a.policy.version, /^[0-9a-f]{12}$/)
  t.equal(a.policy.version, same.policy.version)
  t.not(a.policy.version, other.policy.version)
})

t.test('an unexpected error in a condition is not swallowed into an allow', async t => {
  const { compilePolicy } = await t.mockImport<typeof import('../../src/policy/compile.js')>('../../src/policy/compile.js', {
    '../../src/policy/conditions.js': {
      ...await import('../../src/policy/conditions.js'),
      compileCondition: () => () => { throw new RangeError('boom') }
    }
  })
  const context = { fieldLength: 1024, problem: () => {}, domainList: () => null, addressList: () => null, valueList: () => null }
  const policy = compilePolicy({ caller: { none: true }, hooks: { preSignup: { default: 'allow', rules: [{ name: 'r', allow: true }] } } }, { bodyBytes: 1024, fieldLength: 1024, jsonDepth: 32, stringLength: 8192, eventLoopDelayMs: 1000, retryAfterSeconds: 5 }, 'v', context)
  t.throws(() => policy.hooks.get('preSignup')!.decide({ provider: 'email', data: {} }), new RangeError('boom'))
})
