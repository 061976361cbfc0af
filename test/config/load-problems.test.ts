/* eslint-disable no-template-curly-in-string -- configs under test use ${ENV} references */
import { join, relative } from 'node:path'
import t from 'tap'
import { formatProblem } from '../../src/config/load.js'
import { loadPolicy } from '../../src/policy/load.js'

const rule = (when: string): string => `hooks:\n  preSignup:\n    rules:\n      - name: r\n        when: ${when}\n        deny: { code: c, message: m }\n
caller: { none: true }
`

// Each bad config and the problems `check` prints for it (FILE:LINE:COL message, FILE stripped).
const cases: Array<[string, string, RegExp[]]> = [
  ['an empty file', '', [/^1:1 config: must be object$/]],
  ['an unknown key', 'hooks:\n  preSignup:\n    rules: []\n    extra: 1\ncaller: { none: true }\n', [/^4:5 hooks\.preSignup: unknown key "extra"$/]],
  ['a missing environment variable', 'hooks:\n  preSignup:\n    path: /${NOPE_NOT_SET}\n    rules: []\ncaller: { none: true }\n', [/^3:11 environment variable NOPE_NOT_SET is not set$/]],
  ['too many aliases', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nhooks: {preSignup: {rules: [*c]}}\n', [/^1:1 .*alias/i]],
  ['two condition kinds in one object', rule('{ provider: email, field: data.x, exists: true }'), [/^5:15 preSignup rule "r" when: has more than one condition \("provider", "field"\); use one per object$/]],
  ['no condition kind', rule('{ exists: true }'), [/^5:15 preSignup rule "r" when: needs one condition, one of "all", "any"/]],
  ['a test beside a provider', rule('{ provider: email, equals: x }'), [/^5:\d+ preSignup rule "r" when: "equals" cannot be used in a provider condition$/]],
  ['a test beside a non-kind', rule('{ ignoreCase: true, equals: x }'), [/needs one condition, one of/]],
  ['a field without a test', rule('{ field: data.x }'), [/^5:15 preSignup rule "r" when: a field condition needs at least one test/]],
  ['an empty domain in a list', rule('{ emailDomain: { in: [""] } }'), [/^5:\d+ preSignup rule "r" when\.emailDomain\.in\.0: must NOT have fewer than 1 characters$/]],
  ['the same unknown key twice in one rule', 'hooks:\n  preSignup:\n    rules:\n      - { name: r, allow: true, when: { all: [{ provider: a, x: 1 }, { provider: b, x: 2 }] } }\ncaller: { none: true }\n', [/unknown key "x"|"x" cannot be used/]],
  ['a rule without a name', 'hooks:\n  preSignup:\n    rules:\n      - { allow: true }\ncaller: { none: true }\n', [/^4:9 preSignup rule #1: missing "name"$/]],
  ['a bad domain list', rule('{ emailDomain: { in: 3 } }'), [/^5:\d+ preSignup rule "r" when\.emailDomain\.in: must be a list of domains, \{file: path\} or \{builtin: disposable \| freemail\}$/]],
  ['both in and notIn', rule('{ emailDomain: { in: [a.com], notIn: [b.com] } }'), [/has more than one list \("in", "notIn"\)/]],
  ['a bad default', 'hooks:\n  preSignup:\n    default: maybe\n    rules: []\ncaller: { none: true }\n', [/^3:14 hooks\.preSignup\.default: must be allow, deny or \{deny: \{code, message\}\}$/]],
  ['a rule with two actions', 'hooks:\n  preSignup:\n    rules:\n      - { name: r, allow: true, roles: [a] }\ncaller: { none: true }\n', [/has more than one action \("allow", "roles"\)/]],
  ['a provider of the wrong type', rule('{ provider: 3 }'), [/must be a provider name or a list of them/]],
  ['a wrong type', 'limits: { bodyBytes: lots }\nhooks: { preSignup: { rules: [] } }\ncaller: { none: true }\n', [/^1:22 limits\.bodyBytes: must be integer$/]],
  ['roles on login', 'hooks:\n  preLogin:\n    rules:\n      - { name: r, roles: [a] }\ncaller: { none: true }\n', [/^4:\d+ preLogin rule "r" roles: roles can only be assigned on preSignup/]],
  ['an unsafe regex', rule('{ field: data.x, matches: "^(a+)+$" }'), [/^5:\d+ preSignup rule "r" when\.matches: pattern "\^\(a\+\)\+\$" can backtrack catastrophically \(exponential time/]],
  ['a polynomial regex', rule('{ field: data.x, matches: "a*a*$" }'), [/pattern "a\*a\*\$" can backtrack catastrophically \(polynomial time, .*anchor it with/]],
  ['an invalid regex', rule('{ field: data.x, notMatches: "(" }'), [/pattern "\(" is not a valid regular expression/]],
  ['minLength over maxLength', rule('{ field: data.x, minLength: 5, maxLength: 2 }'), [/minLength 5 is greater than maxLength 2/]],
  ['a bad inline domain', rule('{ emailDomain: { in: [good.com, "bad domain"] } }'), [/"bad domain" is not a domain name/]],
  ['duplicate rule names and paths', 'hooks:\n  preSignup:\n    path: /h\n    rules:\n      - { name: r, allow: true }\n      - { name: r, allow: true }\n  preLogin:\n    path: /h\n    rules: []\ncaller: { none: true }\n', [/^6:\d+ preSignup rule "r" name: duplicate rule name "r"$/, /^8:11 hooks\.preLogin\.path: path \/h is already used by preSignup$/]]
]

for (const [name, yaml, expected] of cases) {
  t.test(name, async t => {
    const dir = t.testdir({ 'auth.yaml': yaml })
    const loaded = await loadPolicy(join(dir, 'auth.yaml'), {})
    t.equal(loaded.ok, false)
    const problems = loaded.ok ? [] : loaded.problems.map(problem => formatProblem(problem).slice(join(dir, 'auth.yaml:').length))
    t.match(problems, expected)
  })
}

t.test('a list file problem names the list file, relative when the config path is', async t => {
  const dir = t.testdir({ 'auth.yaml': rule('{ emailDomain: { in: { file: list.txt } } }'), 'list.txt': 'ok.example\n\nnot ok\n' })
  const loaded = await loadPolicy(relative(process.cwd(), join(dir, 'auth.yaml')), {})
  t.match(loaded, { ok: false, problems: [{ file: relative(process.cwd(), join(dir, 'list.txt')), line: 3, col: 1, message: '"not ok" is not a domain name' }] })
})

t.test('the same list file is read once', async t => {
  const dir = t.testdir({
    'auth.yaml': 'hooks:\n  preSignup:\n    rules:\n      - { name: a, when: { emailDomain: { in: { file: l.txt } } }, allow: true }\n      - { name: b, when: { emailDomain: { notIn: { file: l.txt } } }, allow: true }\ncaller: { none: true }\n',
    'l.txt': 'a.example\n'
  })
  const loaded = await loadPolicy(join(dir, 'auth.yaml'), {})
  t.match(loaded, { ok: true, files: [join(dir, 'auth.yaml'), join(dir, 'l.txt')] })
})
