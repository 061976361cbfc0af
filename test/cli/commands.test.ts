import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { main } from '../../src/cli/commands.js'

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs a CLI command in this process with its own streams (starting a process per case is slow). */
async function cli (args: string[], options: { stdin?: string, tty?: boolean } = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const stdin = Object.assign(Readable.from([Buffer.from(options.stdin ?? '')]), options.tty === true ? { isTTY: true } : {})
  const code = await main(args, {
    stdout: { write: (text: string) => { stdout += text } },
    stderr: { write: (text: string) => { stderr += text } },
    stdin
  })
  return { code, stdout, stderr }
}

/** Runs the CLI from source as a child process, the way `npx auth-hooks` runs the built one. */
function program (args: string[], options: { stdin?: string, env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, 'src/cli.ts', ...args], { env: { ...process.env, ...options.env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => { stdout += chunk })
    child.stderr.on('data', chunk => { stderr += chunk })
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}

const failingCases = `config: auth.yaml
cases:
  - note: passes
    hook: preSignup
    provider: email
    data: { email: a@company.com }
    expect: { status: 200, roles: [] }
  - note: wrong on purpose
    hook: preSignup
    provider: email
    data: { email: a@gmail.com }
    expect: { status: 200, roles: [], rule: null }
  - note: login is not configured here
    hook: preLogin
    provider: email
    data: {}
    expect: { status: 200 }
`

const signupOnly = `hooks:
  preSignup:
    rules:
      - name: company
        when: { emailDomain: { notIn: [company.com] } }
        deny: { code: invalid-email, message: company.com only }
      - name: merchants
        when: { field: data.accountType, equals: merchant }
        roles: [merchant]
caller: { none: true }
`

t.test('check: ok, and problems as FILE:LINE:COL with exit 1', async t => {
  const ok = await cli(['check', 'conf/auth.yaml'])
  t.equal(ok.code, 0)
  t.match(ok.stdout, /^conf\/auth\.yaml: ok \(policy [0-9a-f]{12}; preSignup → POST \/signup-hook, preLogin → POST \/login-hook\)\n$/)
  const dir = t.testdir({ 'auth.yaml': 'hooks:\n  preSignup:\n    rules:\n      - name: x\n        deny: { code: x }\ncaller: { none: true }\n' })
  t.match(await cli(['check', join(dir, 'missing.yaml')]), { code: 1, stderr: /missing\.yaml:1:1 cannot read config: ENOENT/ })
  const bad = await cli(['check', join(dir, 'auth.yaml')])
  t.equal(bad.code, 1)
  t.match(bad.stderr, /auth\.yaml:5:\d+ preSignup rule "x" deny: missing "message"\n1 problem\(s\) in /)
})

t.test('test: the shipped cases pass against the shipped config (run as the program)', async t => {
  const run = await program(['test'])
  t.equal(run.code, 0, run.stderr)
  const lines = run.stdout.trimEnd().split('\n')
  t.match(lines.at(-1), /^(\d+) passed, 0 failed$/)
  t.equal(lines.filter(line => line.startsWith('ok ')).length, Number(lines.at(-1)?.split(' ')[0]))
  t.notMatch(run.stdout, /^note:/m, 'every rule has a case where it matches and one where it does not')
})

t.test('test: a failing case shows expected vs got and the deciding rule, and exits 1', async t => {
  const dir = t.testdir({ 'auth.yaml': signupOnly, 'cases.yaml': failingCases })
  const run = await cli(['test', join(dir, 'cases.yaml')])
  t.equal(run.code, 1)
  const lines = run.stdout.trimEnd().split('\n')
  t.equal(lines[0], 'ok   1 preSignup: passes')
  t.equal(lines[1], 'FAIL 2 preSignup: wrong on purpose')
  t.match(lines[2], /cases\.yaml:8$/)
  t.equal(lines[3], "       expected: status 200, roles [], decided by the hook's default")
  t.equal(lines[4], '       got:      deny 403 invalid-email "company.com only" by rule "company"')
  t.equal(lines[5], 'FAIL 3 preLogin: login is not configured here')
  t.match(lines[6], /cases\.yaml:13: the preLogin hook is not configured$/)
  t.equal(lines[7], 'note: preSignup rule "merchants": no case matches it')
  t.equal(lines.at(-1), '1 passed, 2 failed')
})

t.test('test: an invalid case file or config is reported as FILE:LINE:COL', async t => {
  const dir = t.testdir({
    'auth.yaml': signupOnly,
    'bad-cases.yaml': 'cases:\n  - note: x\n    hook: preSignin\n    provider: email\n    data: {}\n    expect: {}\n    extra: 1\n',
    'empty-cases.yaml': '{}\n',
    'broken.yaml': 'cases: [\n',
    'bad-config.yaml': 'hooks: []\ncaller: { none: true }\n'
  })
  const bad = await cli(['test', join(dir, 'bad-cases.yaml')])
  t.equal(bad.code, 1)
  t.match(bad.stderr, /bad-cases\.yaml:7:5 cases\.0: unknown key "extra"/)
  t.match(bad.stderr, /bad-cases\.yaml:3:11 cases\.0\.hook: must be equal to one of the allowed values/)
  t.match(bad.stderr, /bad-cases\.yaml:6:13 cases\.0\.expect: must NOT have fewer than 1 properties/)
  t.match(await cli(['test', join(dir, 'empty-cases.yaml')]), { code: 1, stderr: /empty-cases\.yaml:1:1 test file: must have required property 'cases'/ })
  const broken = await cli(['test', join(dir, 'broken.yaml')])
  t.equal(broken.code, 1)
  t.match(broken.stderr, /broken\.yaml:2:1 /)
  const missing = await cli(['test', join(dir, 'nope.yaml')])
  t.match(missing, { code: 1, stderr: /nope\.yaml:1:1 cannot read test cases: ENOENT/ })
  const badConfig = await cli(['test', 'conf/auth.test.yaml', '--config', join(dir, 'bad-config.yaml')])
  t.match(badConfig, { code: 1, stderr: /bad-config\.yaml:1:8 hooks: must be object/ })
})

t.test('explain: the decision and a per-rule trace from stdin', async t => {
  const run = await cli(['explain', '--hook', 'preSignup'], { stdin: JSON.stringify({ provider: 'username', data: { username: 'Admin' } }) })
  t.equal(run.code, 0, run.stderr)
  const lines = run.stdout.split('\n')
  t.match(lines[0], /^policy [0-9a-f]{12} · preSignup \(POST \/signup-hook\) · provider "username"$/)
  t.equal(lines[1], 'decision: deny 400 invalid-username "Usernames are 3-32 characters: a-z, 0-9, _ . -, starting with a letter" by rule "username-format"')
  t.equal(lines[3], '  1. company-email-only (deny 403 invalid-email): did not match')
  t.equal(lines[4], '     ✗ all of')
  t.equal(lines[5], '       ✗ provider is "email"   [value: "username"]')
  t.equal(lines[6], '       · email domain of data.email not in ["company.com"] (not evaluated)')
  t.equal(lines[7], '  2. username-format (deny 400 invalid-username): matched  ← decided')
  t.equal(lines[10], '       ✓ data.username does not match /^[a-z][a-z0-9_.-]{2,31}$/   [value: "Admin"]')
  t.equal(lines[11], '  3. reserved-usernames (deny 403 username-taken): not reached')
})

t.test('explain: refuses what it cannot explain', async t => {
  const noHook = await cli(['explain', 'conf/auth.yaml'], { stdin: '{}' })
  t.match(noHook, { code: 2, stderr: /--hook preSignup or --hook preLogin is required/ })
  const notJson = await cli(['explain', '--hook', 'preLogin'], { stdin: 'provider=email' })
  t.match(notJson, { code: 2, stderr: /the request on stdin is not JSON/ })
  for (const body of ['null', '{"provider":"email","data":[]}', '{"provider":"","data":{}}', '{"provider":"email","data":null}']) {
    t.match(await cli(['explain', '--hook', 'preLogin'], { stdin: body }), { code: 2, stderr: /must be \{"provider": string, "data": object\}/ }, body)
  }
  const dir = t.testdir({ 'auth.yaml': signupOnly, 'bad.yaml': 'hooks: []\ncaller: { none: true }\n' })
  const unconfigured = await cli(['explain', '--hook', 'preLogin', join(dir, 'auth.yaml')], { stdin: '{"provider":"email","data":{}}' })
  t.match(unconfigured, { code: 1, stdout: 'the preLogin hook is not configured\n' })
  const bad = await cli(['explain', '--hook', 'preLogin', join(dir, 'bad.yaml')], { stdin: '{"provider":"email","data":{}}' })
  t.match(bad, { code: 1, stderr: /bad\.yaml:1:8 hooks: must be object/ })
})

t.test('usage', async t => {
  t.match(await cli([]), { code: 0, stdout: /usage: auth-hooks <command>/ })
  t.match(await cli(['frobnicate']), { code: 2, stderr: /explain --hook preSignup\|preLogin/ })
  t.match(await cli(['explain', '--hook', 'preSignup'], { tty: true }), { code: 2, stderr: /pipe the request in/ })
})
