/* eslint-disable no-template-curly-in-string -- ${ENV} references are YAML text here, not templates */
import { join } from 'node:path'
import t from 'tap'
import { describePath, formatProblem } from '../../src/config/load.js'
import { loadPolicy } from '../../src/policy/load.js'
import { load, loadOk, problemsOf, repoRoot, writeConfig } from '../helpers.js'

const rule = (lines: string): string => `hooks:\n  preSignup:\n    rules:\n      - name: a\n${lines}`

t.test('the shipped conf/auth.yaml loads with no environment', async t => {
  const loaded = await loadPolicy(join(repoRoot, 'conf/auth.yaml'), {})
  t.equal(loaded.ok, true)
  t.same(loaded.files.map(file => file.slice(repoRoot.length)), ['conf/auth.yaml', 'conf/lists/blocked-domains.txt'])
})

t.test('problems print as FILE:LINE:COL message', async t => {
  t.equal(formatProblem({ file: 'conf/auth.yaml', line: 3, col: 7, message: 'bad' }), 'conf/auth.yaml:3:7 bad')
})

t.test('a file that cannot be read', async t => {
  const loaded = await loadPolicy('/nonexistent/auth.yaml', {})
  t.equal(loaded.ok, false)
  if (!loaded.ok) t.match(loaded.problems, [{ file: '/nonexistent/auth.yaml', line: 1, col: 1, message: /^cannot read config: ENOENT/ }])
})

t.test('bad YAML: the parser position, without it repeated in the message', async t => {
  t.same(await problemsOf('hooks:\n  preSignup:\n    rules: [\n      - name: x\n'), [
    '4:7 Block collections are not allowed within flow collections',
    '5:1 Flow sequence in block collection must be sufficiently indented and end with a ]'
  ])
  t.same(await problemsOf('hooks:\n  preSignup:\n    rules: []\n  preSignup:\n    rules: []\n'), ['4:3 Map keys must be unique'])
})

t.test('YAML alias bombs are refused', async t => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'hooks: { preSignup: { rules: [] } }'].join('\n')
  const problems = await problemsOf(bomb)
  t.match(problems, [/^1:1 Excessive alias count/])
})

t.test('an empty file or a scalar is not a config', async t => {
  t.same(await problemsOf(''), ['1:1 config: must be object'])
  t.same(await problemsOf('just text\n'), ['1:1 config: must be object'])
})

t.test('unknown and missing keys', async t => {
  t.same(await problemsOf('hook:\n  preSignup:\n    rules: []\n'), ['1:1 config: missing "caller"', '1:1 config: missing "hooks"', '1:1 config: unknown key "hook"'])
  t.same(await problemsOf(rule('        deny: { code: a, message: b }\n        denny: true\n')), ['6:9 preSignup rule "a": unknown key "denny"'])
  t.same(await problemsOf(rule('        deny:\n          code: a\n')), ['6:11 preSignup rule "a" deny: missing "message"'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    rules:\n      - allow: true\n'), ['4:9 preSignup rule #1: missing "name"'])
  t.same(await problemsOf('hooks: {}\n'), ['1:8 hooks: needs at least one hook: preSignup or preLogin'])
})

t.test('wrong types and ranges', async t => {
  t.same(await problemsOf(`limits:\n  bodyBytes: lots\n${rule('        deny: { code: a, message: b, status: 500 }\n').slice(0)}`), [
    '2:14 limits.bodyBytes: must be integer',
    '7:46 preSignup rule "a" deny.status: must be <= 499'
  ])
  t.same(await problemsOf(rule('        allow: false\n')), ['5:16 preSignup rule "a" allow: must be equal to constant'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    path: no-slash\n    rules: []\n'), ['3:11 hooks.preSignup.path: must match pattern "^/[A-Za-z0-9._~/-]*$"'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    default: maybe\n    rules: []\n'), ['3:14 hooks.preSignup.default: must be allow, deny or {deny: {code, message}}'])
  t.same(await problemsOf(rule('        when:\n          emailDomain: { in: a.com }\n        allow: true\n')), ['6:30 preSignup rule "a" when.emailDomain.in: must be a list of domains, {file: path} or {builtin: disposable | freemail}'])
  t.same(await problemsOf(rule('        when:\n          provider: 3\n        allow: true\n')), ['6:21 preSignup rule "a" when.provider: must be a provider name or a list of them'])
})

t.test('oneOf confusion: actions and conditions, too few or too many', async t => {
  t.same(await problemsOf(rule('        allow: true\n        roles: [x]\n')), ['4:9 preSignup rule "a": has more than one action ("allow", "roles"); use one per object'])
  t.same(await problemsOf(rule('        when: { provider: email }\n')), ['4:9 preSignup rule "a": needs one action, one of "deny", "allow", "roles"'])
  t.same(await problemsOf(rule('        when:\n          provider: email\n          field: data.x\n          exists: true\n        allow: true\n')), [
    '6:11 preSignup rule "a" when: has more than one condition ("provider", "field"); use one per object'
  ])
  t.same(await problemsOf(rule('        when: {}\n        allow: true\n')), ['5:15 preSignup rule "a" when: needs one condition, one of "all", "any", "not", "provider", "field", "emailDomain", "emailAddress", "emailSubaddress"'])
  t.same(await problemsOf(rule('        when:\n          provider: email\n          ignoreCase: true\n        allow: true\n')), ['7:11 preSignup rule "a" when: "ignoreCase" cannot be used in a provider condition'])
  t.same(await problemsOf(rule('        when:\n          field: data.x\n        allow: true\n')), [
    '6:11 preSignup rule "a" when: a field condition needs at least one test (exists, equals, in, notIn, matches, notMatches, minLength, maxLength)'
  ])
  t.same(await problemsOf(rule('        when:\n          deny: { code: a, message: b }\n')), [
    '4:9 preSignup rule "a": needs one action, one of "deny", "allow", "roles"',
    '6:11 preSignup rule "a" when: needs one condition, one of "all", "any", "not", "provider", "field", "emailDomain", "emailAddress", "emailSubaddress"',
    '6:11 preSignup rule "a" when: unknown key "deny"'
  ], 'an action written inside when')
  t.same(await problemsOf(rule('        when:\n          emailDomain: { in: [a.com], notIn: [b.com] }\n        allow: true\n')), [
    '6:24 preSignup rule "a" when.emailDomain: has more than one list ("in", "notIn"); use one per object'
  ])
})

t.test('${ENV} substitution: set variables are used, missing ones are problems', async t => {
  const yaml = rule('        deny:\n          code: a\n          message: "Contact ${SUPPORT_MAIL} (${SUPPORT_MAIL})"\n')
  const loaded = await loadOk(yaml, {}, { SUPPORT_MAIL: 'help@company.com' })
  const decision = loaded.policy.hooks.get('preSignup')!.decide({ provider: 'email', data: {} })
  t.match(decision, { code: 'a', message: 'Contact help@company.com (help@company.com)' })
  t.same(await problemsOf(yaml), ['7:20 environment variable SUPPORT_MAIL is not set', '7:20 environment variable SUPPORT_MAIL is not set'])
  const literal = await loadOk(rule('        deny: { code: a, message: "costs $5 or ${lower-case}" }\n'))
  t.match(literal.policy.hooks.get('preSignup')!.decide({ provider: 'email', data: {} }), { code: 'a', message: 'costs $5 or ${lower-case}' }, 'only ${NAME} is a reference')
})

t.test('list files: missing, and bad entries at their own line', async t => {
  const missing = await load(rule('        when:\n          emailDomain:\n            in: { file: lists/none.txt }\n        allow: true\n'))
  t.equal(missing.ok, false)
  if (!missing.ok) {
    t.equal(missing.problems.length, 1)
    t.match(missing.problems[0], { line: 7, col: 25, message: /^preSignup rule "a" when\.emailDomain\.in: cannot read list file: ENOENT/ })
  }
  const file = await writeConfig(rule('        when:\n          emailDomain:\n            in: { file: lists/bad.txt }\n        allow: true\n'), { 'lists/bad.txt': '# c\nok.com\nnot a domain\n' })
  const bad = await loadPolicy(file, {})
  t.same(bad.ok ? [] : bad.problems, [{ file: join(file, '../lists/bad.txt'), line: 3, col: 1, message: '"not a domain" is not a domain name' }])
})

t.test('a list file used twice is read once; a relative config path gives relative list paths', async t => {
  const yaml = [
    'hooks:',
    '  preSignup:',
    '    rules:',
    '      - { name: a, when: { emailDomain: { in: { file: l.txt } } }, allow: true }',
    '      - { name: b, when: { emailDomain: { notIn: { file: l.txt } } }, allow: true }',
    '      - { name: c, when: { emailDomain: { notIn: { file: gone.txt } } }, allow: true }',
    '      - { name: d, when: { emailDomain: { notIn: { file: gone.txt } } }, allow: true }'
  ].join('\n')
  const file = await writeConfig(yaml, { 'l.txt': 'a.com\nbad entry\n' })
  const cwd = process.cwd()
  process.chdir(join(file, '..'))
  t.teardown(() => process.chdir(cwd))
  const loaded = await loadPolicy('auth.yaml', {})
  t.equal(loaded.files.length, 3)
  t.same(loaded.ok ? [] : loaded.problems.map(formatProblem), [
    'auth.yaml:6:58 preSignup rule "c" when.emailDomain.notIn: cannot read list file: ' + `ENOENT: no such file or directory, open '${join(file, '../gone.txt')}'`,
    'l.txt:2:1 "bad entry" is not a domain name'
  ])
})

t.test('inline list entries that are not domains', async t => {
  t.same(await problemsOf(rule('        when:\n          emailDomain:\n            in: [ok.com, "not ok"]\n        allow: true\n')), ['7:26 preSignup rule "a" when.emailDomain.in: "not ok" is not a domain name'])
})

t.test('duplicate rule names and clashing paths', async t => {
  t.same(await problemsOf(rule('        allow: true\n      - name: a\n        allow: true\n')), ['6:15 preSignup rule "a" name: duplicate rule name "a"'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    path: /hook\n    rules: []\n  preLogin:\n    path: /hook\n    rules: []\n'), ['6:11 hooks.preLogin.path: path /hook is already used by preSignup'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    path: /login-hook\n    rules: []\n  preLogin:\n    rules: []\n'), ['6:5 hooks.preLogin.path: path /login-hook is already used by preSignup'], 'a default path clashes too')
})

t.test('refused and invalid regexes name the rule and point at the pattern', async t => {
  const refused = await problemsOf("hooks:\n  preSignup:\n    rules:\n      - name: username-re\n        when:\n          field: data.u\n          matches: '^(a+)+$'\n        allow: true\n")
  t.match(refused, [/^7:20 preSignup rule "username-re" when\.matches: pattern "\^\(a\+\)\+\$" can backtrack catastrophically \(exponential time/])
  const nested = await problemsOf("hooks:\n  preLogin:\n    rules:\n      - name: nested\n        when:\n          not:\n            any:\n              - field: data.u\n                notMatches: '(x'\n        allow: true\n")
  t.same(nested, ['9:29 preLogin rule "nested" when.not.any.0.notMatches: pattern "(x" is not a valid regular expression (Invalid regular expression: /(x/u: Unterminated group)'])
  t.same(await problemsOf(rule('        when:\n          field: data.u\n          minLength: 5\n          maxLength: 2\n        allow: true\n')), ['6:11 preSignup rule "a" when: minLength 5 is greater than maxLength 2'])
})

t.test('describePath names rules, or falls back to the path', async t => {
  t.equal(describePath({ hooks: { preSignup: { rules: [{ name: 'x' }] } } }, ['hooks', 'preSignup', 'rules', 0, 'when', 'all', 1]), 'preSignup rule "x" when.all.1')
  t.equal(describePath({ hooks: { preSignup: { rules: [{}] } } }, ['hooks', 'preSignup', 'rules', 0]), 'preSignup rule #1')
  t.equal(describePath({ hooks: {} }, ['hooks', 'preLogin', 'rules', 2, 'deny']), 'preLogin rule #3 deny')
  t.equal(describePath({}, []), 'config')
  t.equal(describePath({}, ['limits', 'bodyBytes']), 'limits.bodyBytes')
})
