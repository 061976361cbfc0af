import t from 'tap'
import { compileSafeRegex } from '../../src/policy/regex.js'

t.test('safe patterns compile once, with the u flag (and i on request)', async t => {
  const result = compileSafeRegex('^[a-z][a-z0-9_.-]{2,31}$', false)
  t.equal(result.ok, true)
  if (!result.ok) return
  t.equal(result.regex.flags, 'u')
  t.equal(result.regex.test('ann_1'), true)
  t.equal(compileSafeRegex('^[a-z][a-z0-9_.-]{2,31}$', false), result, 'cached by pattern and flags')
  const folded = compileSafeRegex('^ann$', true)
  t.equal(folded.ok && folded.regex.flags, 'iu')
})

t.test('exponential patterns are refused with advice', async t => {
  for (const pattern of ['^(a+)+$', '(a|a)*$', '^(\\w+\\s?)*$']) {
    const result = compileSafeRegex(pattern, false)
    t.equal(result.ok, false, pattern)
    if (result.ok) continue
    t.match(result.reason, /^can backtrack catastrophically \(exponential time, e\.g\. on .+\); avoid nested or overlapping repetition/)
  }
})

t.test('polynomial patterns are refused with advice', async t => {
  const result = compileSafeRegex('\\s*a\\s*$', false)
  t.equal(result.ok, false)
  if (!result.ok) t.match(result.reason, /^can backtrack catastrophically \(polynomial time, .*anchor it with \^…\$ or bound the repetition/)
})

t.test('invalid patterns are refused with the engine message', async t => {
  const result = compileSafeRegex('^(unclosed', false)
  t.equal(result.ok, false)
  if (!result.ok) t.match(result.reason, /^is not a valid regular expression \(Invalid regular expression/)
})

t.test('a pattern the analysis cannot decide in time is refused', async t => {
  const { compileSafeRegex: compile } = await t.mockImport<typeof import('../../src/policy/regex.js')>('../../src/policy/regex.js', {
    recheck: { checkSync: () => ({ status: 'unknown', error: { kind: 'timeout' } }) }
  })
  t.same(compile('^a+$', false), { ok: false, reason: 'could not be proven safe from catastrophic backtracking' })
})
