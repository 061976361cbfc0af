import fc from 'fast-check'
import t from 'tap'
import { loadPolicy } from '../../src/policy/load.js'
import type { Condition } from '../../src/config/types.js'
import { guardOf, RuleIndex } from '../../src/policy/rule-index.js'
import { DecisionTrace } from '../../src/policy/tools/trace.js'
import type { HookRequest, Policy } from '../../src/policy/types.js'
import { loadOk, writeConfig } from '../helpers.js'

const pattern: Condition = { field: 'data.a', matches: '^x' }
const inList: Condition = { field: 'data.a', in: ['x', 'y'] }

t.test('guards: what a condition needs to hold', async t => {
  t.equal(guardOf(undefined), null, 'a rule without when always runs')
  t.same(guardOf({ provider: 'email' }), [{ field: 'provider', ignoreCase: false, values: ['email'] }])
  t.same(guardOf({ provider: ['email', 'google'] }), [{ field: 'provider', ignoreCase: false, values: ['email', 'google'] }])
  t.same(guardOf({ field: 'data.a', equals: 'X', ignoreCase: true }), [{ field: 'data.a', ignoreCase: true, values: ['X'] }])
  t.same(guardOf({ field: 'data.a', in: ['x'], matches: '^x' }), [{ field: 'data.a', ignoreCase: false, values: ['x'] }], 'in runs before the pattern')
  for (const condition of [pattern, { field: 'data.a', exists: true }, { field: 'data.a', notIn: ['x'] }, { not: inList }, { emailDomain: { in: ['example.com'] } }] as Condition[]) {
    t.equal(guardOf(condition), null, `no guard: ${JSON.stringify(condition)}`)
  }
  t.same(guardOf({ all: [{ field: 'data.b', exists: false }, inList] }), guardOf(inList), 'all: the first child with a guard')
  t.equal(guardOf({ all: [pattern, inList] }), null, 'all: not from a child after one that may throw field-too-long')
  t.equal(guardOf({ all: [{ not: { emailDomain: { in: ['example.com'] } } }, inList] }), null, 'emailDomain may throw too, under not as well')
  t.same(guardOf({ any: [inList, { provider: 'email' }] }), [...guardOf(inList)!, ...guardOf({ provider: 'email' })!], 'any: every branch')
  t.equal(guardOf({ any: [inList, pattern] }), null, 'any: not when a branch has no guard')
})

t.test('the index marks guarded rules only for values their guard lists', async t => {
  const index = new RuleIndex([guardOf(inList), null, guardOf({ provider: 'google' }), guardOf({ field: 'data.a', equals: 'X', ignoreCase: true })])
  const candidates = (request: HookRequest): number[] => {
    index.markCandidates(request)
    return [0, 1, 2, 3].filter(rule => index.isCandidate(rule))
  }
  t.same(candidates({ provider: 'email', data: { a: 'x' } }), [0, 1, 3])
  t.same(candidates({ provider: 'google', data: { a: 'Y' } }), [1, 2], 'case-sensitive terms compare as written')
  t.same(candidates({ provider: 'google', data: {} }), [1, 2], 'marks do not outlive their request')
  const repeated = new RuleIndex([[{ field: 'data.a', ignoreCase: false, values: ['x', 'x'] }, { field: 'data.a', ignoreCase: false, values: ['x'] }]])
  repeated.markCandidates({ provider: 'email', data: { a: 'x' } })
  t.ok(repeated.isCandidate(0), 'a value listed twice marks its rule')
})

// Random policies over a few fields and values, random requests: the indexed policy (what the
// server runs) must decide exactly as the unindexed one (what explain runs, every rule in order).
const fields = ['data.a', 'data.b', 'data.n.c'] as const
const scalar = fc.constantFrom<string | number | boolean | null>('x', 'X', 'y', 1, true, null)
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ provider: fc.oneof(fc.constantFrom('email', 'google'), fc.constant(['email', 'username'])) }),
  fc.record({ field: fc.constantFrom(...fields), equals: scalar, ignoreCase: fc.boolean() }),
  fc.record({ field: fc.constantFrom(...fields), in: fc.array(scalar, { minLength: 1, maxLength: 3 }), ignoreCase: fc.boolean() }),
  fc.record({ field: fc.constantFrom(...fields), exists: fc.boolean() }),
  fc.record({ field: fc.constantFrom(...fields), in: fc.constant(['x']), matches: fc.constantFrom('^x', '^X$') }),
  fc.record({ field: fc.constantFrom(...fields), notMatches: fc.constant('^y') }),
  fc.record({ emailDomain: fc.record({ field: fc.constantFrom(...fields), in: fc.constant(['example.com']) }) })
) as fc.Arbitrary<Condition>
const condition = fc.letrec<{ node: Condition }>(tie => ({
  node: fc.oneof({ maxDepth: 3, depthIdentifier: 'condition' },
    leaf,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('node') })) as fc.Arbitrary<Condition>
})).node
const action = fc.oneof(
  fc.constant({ deny: { code: 'denied', message: 'No' } }),
  fc.constant({ allow: true }),
  fc.constant({ roles: ['r'] })
)
const rules = fc.array(fc.tuple(fc.option(condition, { nil: undefined }), action), { minLength: 1, maxLength: 8 })
  .map(list => list.map(([when, then], i) => ({ name: `r${i}`, ...(when === undefined ? {} : { when }), ...then })))
const value = fc.option(fc.constantFrom('x', 'X', 'y', 'Y', 1, true, null, 'x'.repeat(40), 'u@example.com', 'u@EXAMPLE.com', 'u@other.org', 'not an address'), { nil: undefined })
const request = fc.record({
  provider: fc.constantFrom('email', 'google', 'username'),
  data: fc.record({ a: value, b: value, n: fc.option(fc.record({ c: value }), { nil: undefined }) })
})

async function policies (config: object): Promise<{ indexed: Policy, unindexed: Policy }> {
  const file = await writeConfig(JSON.stringify(config))
  const indexed = await loadPolicy(file, {})
  const unindexed = await loadPolicy(file, {}, { trace: new DecisionTrace().tracer })
  if (!indexed.ok || !unindexed.ok) throw new Error(`generated config should load: ${JSON.stringify(config)}`)
  return { indexed: indexed.policy, unindexed: unindexed.policy }
}

t.test('indexed and unindexed deciding agree on random policies and requests', async t => {
  await fc.assert(fc.asyncProperty(rules, fc.array(request, { minLength: 10, maxLength: 10 }), async (generated, requests) => {
    const config = { limits: { fieldLength: 16 }, hooks: { preSignup: { default: 'deny', rules: generated } } }
    const { indexed, unindexed } = await policies(config)
    for (const body of requests) {
      const expected = unindexed.hooks.get('preSignup')!.decide(body)
      const actual = indexed.hooks.get('preSignup')!.decide(body)
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(`${JSON.stringify(body)}: indexed ${JSON.stringify(actual)}, unindexed ${JSON.stringify(expected)}`)
      }
    }
  }), { numRuns: 150 })
  t.pass('150 random policies, 10 requests each')
})

t.test('a rule the index skips for one request still decides the next', async t => {
  const { policy } = await loadOk(JSON.stringify({
    hooks: {
      preSignup: {
        rules: [
          { name: 'google-only', when: { provider: 'google' }, deny: { code: 'google', message: 'No' } },
          { name: 'blocked', when: { field: 'data.username', in: ['Admin'], ignoreCase: true }, deny: { code: 'blocked', message: 'No' } }
        ]
      }
    }
  }))
  const decide = policy.hooks.get('preSignup')!.decide
  t.equal(decide({ provider: 'email', data: { username: 'ADMIN' } }).rule, 'blocked')
  t.equal(decide({ provider: 'google', data: { username: 'bob' } }).rule, 'google-only')
  t.equal(decide({ provider: 'email', data: { username: 'bob' } }).rule, null)
})
