import t from 'tap'
import { compileCondition, compileGetter, type ConditionContext } from '../../src/policy/conditions.js'
import { compilePolicy } from '../../src/policy/compile.js'
import { addressesFromList } from '../../src/policy/addresses.js'
import { DomainSet, domainsFromList } from '../../src/policy/domains.js'
import { emailDomain, normalizeDomain } from '../../src/policy/email.js'

const context: ConditionContext = {
  fieldLength: 64,
  problem: (path, message) => { throw new Error(`${path.join('.')}: ${message}`) },
  domainList: list => domainsFromList(list as string[]).set,
  addressList: (list, _path, normalization) => addressesFromList(list as string[], normalization).set,
  valueList: (list, _ignoreCase, fold) => new Set((list as unknown[]).map(fold))
}

t.test('email domains: quoted local parts, unicode and malformed addresses', async t => {
  t.equal(emailDomain('"a@b"@Example.COM'), 'example.com')
  t.equal(emailDomain('"a\\"b"@example.com'), 'example.com')
  t.equal(emailDomain('"unclosed@example.com'), null)
  t.equal(emailDomain('"a"b@example.com'), null)
  t.equal(emailDomain('"a"@b@example.com'), null)
  t.equal(emailDomain('a@bücher.example'), 'xn--bcher-kva.example')
  t.equal(emailDomain('a@bücher.example/evil.com'), null)
  t.equal(emailDomain('a b@example.com'), null)
  t.equal(emailDomain('@example.com'), null)
  t.equal(normalizeDomain('Example.COM.'), 'example.com')
  t.equal(normalizeDomain(''), null)
  t.equal(normalizeDomain(`${'a'.repeat(64)}.com`), null)
  t.equal(normalizeDomain('-a.com'), null)
  t.equal(normalizeDomain('a..com'), null)
})

t.test('domain sets count their domains', async t => {
  const set = new DomainSet()
  t.ok(set.add('a.example'))
  t.notOk(set.add('not a domain'))
  t.equal(set.size, 1)
})

t.test('field conditions read provider and count code points', async t => {
  t.equal(compileGetter('provider')({ provider: 'email', data: {} }), 'email')
  const provider = compileCondition({ field: 'provider', equals: 'email' }, [], context)
  t.ok(provider({ provider: 'email', data: {} }))
  const short = compileCondition({ field: 'data.name', maxLength: 2 }, [], context)
  t.ok(short({ provider: 'p', data: { name: '😀😀' } }), 'two emoji are two characters')
  t.notOk(short({ provider: 'p', data: { name: 'abc' } }))
  const shouty = compileCondition({ field: 'data.name', matches: '^[a-z]+$', ignoreCase: true }, [], context)
  t.ok(shouty({ provider: 'p', data: { name: 'ABC' } }), 'ignoreCase applies to patterns')
})

t.test('an unexpected error while deciding is not swallowed', async t => {
  const policy = compilePolicy({ caller: { none: true }, hooks: { preSignup: { rules: [{ name: 'r', when: { field: 'data.x', exists: true }, allow: true }] } } }, { bodyBytes: 1024, fieldLength: 64, jsonDepth: 32, stringLength: 8192, eventLoopDelayMs: 1000, retryAfterSeconds: 5 }, 'v', context)
  const data = new Proxy({}, { getOwnPropertyDescriptor () { throw new Error('hostile object') } })
  t.throws(() => policy.hooks.get('preSignup')?.decide({ provider: 'p', data }), /hostile object/)
})

t.test('deny details and a plain deny default', async t => {
  const policy = compilePolicy({
    caller: { none: true },
    hooks: { preSignup: { default: 'deny', rules: [{ name: 'r', when: { provider: 'x' }, deny: { code: 'c', message: 'm', detail: { why: 'x' } } }] } }
  }, { bodyBytes: 1024, fieldLength: 64, jsonDepth: 32, stringLength: 8192, eventLoopDelayMs: 1000, retryAfterSeconds: 5 }, 'v', context)
  const decide = policy.hooks.get('preSignup')?.decide
  t.same(decide?.({ provider: 'x', data: {} }), { outcome: 'deny', by: 'rule', rule: 'r', status: 403, code: 'c', message: 'm', detail: { why: 'x' } })
  t.same(decide?.({ provider: 'y', data: {} }), { outcome: 'deny', by: 'default', rule: null, status: 403, code: 'denied', message: 'Request denied by policy' })
})
