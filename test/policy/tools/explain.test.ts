import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadPolicy } from '../../../src/policy/load.js'
import { describeExpectation, meetsExpectation, runCases, type PolicyCase } from '../../../src/policy/tools/cases.js'
import { explainDecision } from '../../../src/policy/tools/explain.js'
import { DecisionTrace } from '../../../src/policy/tools/trace.js'
import type { Decision } from '../../../src/policy/types.js'

const config = `caller: { none: true }
limits: { fieldLength: 100 }
hooks:
  preSignup:
    default: { deny: { code: closed, message: invitation only } }
    rules:
      - name: staff
        when:
          all:
            - provider: [email, google]
            - emailDomain: { in: { file: staff.txt }, subdomains: true }
            - field: data.profile.age
              exists: true
        allow: true
      - name: invited
        when:
          any:
            - field: data.invite
              equals: yes-please
              ignoreCase: true
            - field: data.code
              in: [1, 2]
            - not: { field: data.code, notIn: [3] }
        roles: [guest]
      - name: handle
        when: { field: data.handle, matches: '^[a-z]+$', minLength: 2 }
        roles: [handle]
      - name: short
        when: { field: data.nick, exists: false, maxLength: 3 }
        deny: { code: nick, message: nick }
      - name: always
        roles: [member]
  preLogin:
    rules: []
`

async function compiled (t: Test): Promise<{ trace: DecisionTrace, loaded: Extract<Awaited<ReturnType<typeof loadPolicy>>, { ok: true }> }> {
  const dir = t.testdir({ 'auth.yaml': config, 'staff.txt': 'staff.example\n' })
  const trace = new DecisionTrace()
  const loaded = await loadPolicy(join(dir, 'auth.yaml'), {}, { trace: trace.tracer })
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems))
  return { trace, loaded }
}

t.test('explain shows every condition kind with the value it read', async t => {
  const { trace, loaded } = await compiled(t)
  const { decision, text } = explainDecision(loaded.policy, loaded.config, trace, 'preSignup', {
    provider: 'google',
    data: { email: 'ann@eu.staff.example', invite: 'YES-PLEASE', handle: 'ann', profile: { bio: 'x'.repeat(100) } }
  })
  t.equal(decision?.outcome, 'deny')
  t.equal(text, [
    `policy ${loaded.policy.version} · preSignup (POST /signup-hook) · provider "google"`,
    'decision: deny 403 closed "invitation only" by the hook\'s default',
    '',
    '  1. staff (allow): did not match',
    '     ✗ all of',
    '       ✓ provider in ["email", "google"]   [value: "google"]',
    '       ✓ email domain of data.email in file staff.txt (or a subdomain)   [value: "ann@eu.staff.example"]',
    '       ✗ data.profile.age exists   [value: absent]',
    '  2. invited (add roles ["guest"]): matched',
    '     ✓ any of',
    '       ✓ data.invite equals "yes-please" (ignoring case)   [value: "YES-PLEASE"]',
    '       · data.code in [1, 2] (not evaluated)',
    '       · not (not evaluated)',
    '         · data.code not in [3] (not evaluated)',
    '  3. handle (add roles ["handle"]): matched',
    '     ✓ data.handle matches /^[a-z]+$/, length 2..∞   [value: "ann"]',
    '  4. short (deny 403 nick): matched',
    '     ✓ data.nick is absent, length 0..3   [value: absent]',
    '  5. always (add roles ["member"]): matched',
    ''
  ].join('\n').replace('deny 403 nick): matched', 'deny 403 nick): did not match').replace('✓ data.nick is absent, length 0..3', '✗ data.nick is absent, length 0..3'))
})

t.test('explain: a value over the field length limit stops the rules', async t => {
  const { trace, loaded } = await compiled(t)
  const { text } = explainDecision(loaded.policy, loaded.config, trace, 'preSignup', {
    provider: 'github',
    data: { handle: 'a'.repeat(120), profile: { bio: 'y'.repeat(100) }, code: 7 }
  })
  t.match(text, /decision: deny 400 field-too-long "A field is longer than 100 characters" by the field length limit/)
  t.match(text, /3\. handle \(add roles \["handle"\]\): stopped: a value is over the field length limit\n {5}· data\.handle matches \/\^\[a-z\]\+\$\/, length 2\.\.∞ \(not evaluated\)\n {2}4\. short \(deny 403 nick\): not reached/)
  t.match(text, /✗ not\n {9}✓ data\.code not in \[3\] {3}\[value: 7\]/)
})

t.test('explain: long values are shortened; a hook without rules says so', async t => {
  const { trace, loaded } = await compiled(t)
  const long = explainDecision(loaded.policy, loaded.config, trace, 'preSignup', { provider: 'email', data: { email: `${'a'.repeat(80)}@staff.example` } })
  t.match(long.text, /\[value: "a{58}…\]/)
  const login = explainDecision(loaded.policy, loaded.config, trace, 'preLogin', { provider: 'email', data: {} })
  t.match(login.text, /decision: allow 200 roles \[\] by the hook's default\n\n {2}\(no rules\)\n$/)
})

function decision (body: { roles: string[] } | { code: string, message: string }, status: number, rule: string | null): Decision {
  const by = rule === null ? 'default' : 'rule'
  return 'roles' in body ? { outcome: 'allow', by, rule, roles: body.roles } : { outcome: 'deny', by, rule, status, ...body }
}

t.test('expectations compare only the parts a case names', async t => {
  const allow = decision({ roles: ['a', 'b'] }, 200, null)
  const deny = decision({ code: 'nope', message: 'no' }, 403, 'r')
  t.ok(meetsExpectation(allow, { status: 200, roles: ['a', 'b'], rule: null }))
  t.notOk(meetsExpectation(allow, { roles: ['b', 'a'] }), 'roles are ordered')
  t.notOk(meetsExpectation(allow, { roles: ['a'] }))
  t.notOk(meetsExpectation(allow, { code: 'nope' }), 'an allow has no code')
  t.notOk(meetsExpectation(deny, { roles: [] }), 'a deny has no roles')
  t.notOk(meetsExpectation(deny, { status: 400 }))
  t.notOk(meetsExpectation(deny, { code: 'other' }))
  t.notOk(meetsExpectation(deny, { rule: null }))
  t.ok(meetsExpectation(deny, { status: 403, code: 'nope', rule: 'r' }))
  t.equal(describeExpectation({ status: 403, code: 'nope', roles: [], rule: 'r' }), 'status 403, code nope, roles [], decided by rule "r"')
})

t.test('runCases reports rules no case matches or reaches without matching', async t => {
  const { trace, loaded } = await compiled(t)
  const cases: PolicyCase[] = [
    { note: 'staff', hook: 'preSignup', provider: 'email', data: { email: 'a@staff.example', profile: { age: 30 } }, expect: { status: 200, roles: [], rule: 'staff' }, line: 1 }
  ]
  const report = runCases('cases.yaml', cases, loaded.policy, loaded.config, trace)
  t.same([report.passed, report.failed, report.lines], [1, 0, ['ok   1 preSignup: staff']])
  t.same(report.gaps, [
    'preSignup rule "staff": no case reaches it without matching it',
    'preSignup rule "invited": no case matches it',
    'preSignup rule "invited": no case reaches it without matching it',
    'preSignup rule "handle": no case matches it',
    'preSignup rule "handle": no case reaches it without matching it',
    'preSignup rule "short": no case matches it',
    'preSignup rule "short": no case reaches it without matching it',
    'preSignup rule "always": no case matches it'
  ])
})

t.test('a case file without `config` tests auth.yaml beside it', async t => {
  const dir = t.testdir({ 'cases.yaml': 'cases:\n  - {note: n, hook: preLogin, provider: p, data: {}, expect: {status: 200}}\n' })
  const { loadCases } = await import('../../../src/policy/tools/cases.js')
  t.match(await loadCases(join(dir, 'cases.yaml')), { ok: true, config: join(dir, 'auth.yaml'), cases: [{ note: 'n', line: 2 }] })
})
