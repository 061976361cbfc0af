import t from 'tap'
import { formatProblem } from '../../src/config/load.js'
import { compileSafeRegex } from '../../src/policy/regex.js'
import { loadText } from '../helpers/apps.js'

/** Patterns known to backtrack catastrophically (exponential or polynomial) on some input. */
const CATASTROPHIC = [
  '(a+)+$',
  '^(a+)+$',
  '(a|a)*$',
  '(a|aa)+$',
  '(\\w+\\s?)*$',
  '^(\\d+)*$',
  '(a*)*b',
  '(x+x+)+y',
  '(\\d|\\d\\d)+$',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
  '^(\\w+\\.?)*@example\\.com$',
  '(.*a){12}',
  '^(a|b|ab)*c$',
  '\\s*$',
  '^.*a.*a.*a.*$x'
]

/** Patterns an operator might write, proven safe, with inputs built to make a backtracker struggle. */
const ACCEPTED = [
  '^[a-z][a-z0-9_.-]{2,31}$',
  '^[^@\\s]+@[a-z.]+$',
  '^\\+?[0-9]{7,15}$',
  '^[a-z]+(-[a-z]+)*$',
  '^[A-Za-z0-9._%+-]+@example\\.com$',
  '^(admin|root|support)$',
  'test',
  '^[^<>]*$'
]

function adversarialInputs (): string[] {
  const length = 1024
  const repeat = (unit: string): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)
  const inputs: string[] = []
  for (const unit of ['a', '0', '-a', 'a.', 'a-', '@', 'a@', 'x', ' ', 'ab', '_a', '+1', '<', '.a']) {
    inputs.push(repeat(unit), `${repeat(unit).slice(0, -1)}!`, `${repeat(unit).slice(0, -2)}@\u0000`)
  }
  return inputs
}

t.test('catastrophic patterns are refused at load', async t => {
  for (const pattern of CATASTROPHIC) {
    const check = compileSafeRegex(pattern, false)
    t.equal(check.ok, false, pattern)
  }
})

t.test('a refused pattern is a config problem at its line', async t => {
  const result = await loadText(`caller: { none: true }
hooks:
  preSignup:
    rules:
      - name: bad-regex
        when: { field: data.username, matches: '(a+)+$' }
        deny: { code: x, message: x }
`)
  t.notOk(result.ok)
  const text = result.ok ? '' : result.problems.map(formatProblem).join('\n')
  t.match(text, /auth\.yaml:6:\d+ preSignup rule "bad-regex" when\.matches: pattern "\(a\+\)\+\$" can backtrack catastrophically/)
})

t.test('accepted patterns run against adversarial 1 KiB inputs in bounded time', async t => {
  const inputs = adversarialInputs()
  for (const pattern of ACCEPTED) {
    for (const ignoreCase of [false, true]) {
      const check = compileSafeRegex(pattern, ignoreCase)
      if (!check.ok) {
        t.fail(`${pattern} was refused: ${check.reason}`)
        continue
      }
      const started = performance.now()
      for (const input of inputs) check.regex.test(input)
      const ms = performance.now() - started
      // Linear matching takes well under a millisecond here; a catastrophic one would take seconds.
      t.ok(ms < 250, `${pattern}${ignoreCase ? ' (i)' : ''}: ${inputs.length} inputs in ${ms.toFixed(2)} ms`)
    }
  }
})
