import t from 'tap'
import { compileSafeRegex, patternsIn, proveSafeRegexes } from '../../src/policy/regex.js'

t.test('patternsIn finds every matches/notMatches with its ignoreCase, at any depth', async t => {
  const hooks = {
    preSignup: {
      rules: [
        { name: 'a', when: { field: 'data.username', matches: '^[a-z]+$' }, deny: { code: 'c', message: 'm' } },
        { name: 'b', when: { all: [{ provider: 'email' }, { not: { field: 'data.email', notMatches: '@corp$', ignoreCase: true } }] }, allow: true }
      ]
    }
  }
  t.same(patternsIn(hooks), [
    { pattern: '^[a-z]+$', ignoreCase: false },
    { pattern: '@corp$', ignoreCase: true }
  ])
  t.same(patternsIn(null), [])
})

t.test('proven-safe patterns are cached for compileSafeRegex; others are left to it to explain', async t => {
  const uses = [
    { pattern: '^prove-[0-9]{1,4}$', ignoreCase: false },
    { pattern: '^prove-[0-9]{1,4}$', ignoreCase: false },
    { pattern: '^(a+)+$', ignoreCase: false },
    { pattern: '(', ignoreCase: false }
  ]
  await proveSafeRegexes(uses)
  await proveSafeRegexes(uses.slice(0, 1)) // already cached: nothing to check
  const safe = compileSafeRegex('^prove-[0-9]{1,4}$', false)
  t.ok(safe.ok && safe.regex.test('prove-12'))
  t.same(compileSafeRegex('^prove-[0-9]{1,4}$', false), safe, 'the cached result is reused')
  const vulnerable = compileSafeRegex('^(a+)+$', false)
  t.match(vulnerable, { ok: false, reason: /can backtrack catastrophically \(exponential time/ })
  t.match(compileSafeRegex('(', false), { ok: false, reason: /is not a valid regular expression/ })
  t.ok(compileSafeRegex('^PROVE$', true).ok, 'ignoreCase patterns are checked with the i flag')
})
