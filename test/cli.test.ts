import t, { type Test } from 'tap'
import { writeConfig } from './helpers.js'

/** Runs cli.ts in this process with `args` as its argv; returns its exit code and output. */
async function runCli (t: Test, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const saved = { argv: process.argv, env: { ...process.env }, exitCode: process.exitCode }
  let stdout = ''
  let stderr = ''
  const out = t.intercept(process.stdout, 'write', { value: (chunk: string) => { stdout += chunk; return true } })
  const err = t.intercept(process.stderr, 'write', { value: (chunk: string) => { stderr += chunk; return true } })
  process.argv = [process.execPath, 'auth-hooks', ...args]
  Object.assign(process.env, env)
  process.exitCode = undefined
  try {
    await t.mockImport('../src/cli.js')
  } finally {
    out.restore()
    err.restore()
    const code = Number(process.exitCode ?? 0)
    process.argv = saved.argv
    process.env = saved.env
    process.exitCode = saved.exitCode
    stdout += `\u0000${code}`
  }
  const [text, code] = stdout.split('\u0000') as [string, string]
  return { code: Number(code), stdout: text, stderr }
}

t.test('usage: no command, --help, -h, and help on a command exit 0 with usage on stdout', async t => {
  for (const args of [[], ['--help'], ['-h'], ['check', '--help'], ['serve', '-h']]) {
    const { code, stdout, stderr } = await runCli(t, args)
    t.equal(code, 0, args.join(' '))
    t.match(stdout, /^usage: auth-hooks <command> \[options\]\n/)
    t.equal(stderr, '')
  }
})

t.test('an unknown command exits 2 with usage on stderr; a bad option exits 2 with its message', async t => {
  const unknown = await runCli(t, ['launch'])
  t.same([unknown.code, unknown.stdout], [2, ''])
  t.match(unknown.stderr, /^usage: auth-hooks/)
  const option = await runCli(t, ['check', '--bogus'])
  t.equal(option.code, 2)
  t.match(option.stderr, /^auth-hooks: Unknown option '--bogus'/)
})

t.test('check reads AUTH_HOOKS_CONFIG when no file is given; --config wins over the positional', async t => {
  const good = await writeConfig('hooks:\n  preLogin: { path: /in, rules: [] }\n')
  const viaEnv = await runCli(t, ['check'], { AUTH_HOOKS_CONFIG: good })
  t.equal(viaEnv.code, 0)
  t.match(viaEnv.stdout, `${good}: ok (policy `)
  t.match(viaEnv.stdout, 'preLogin → POST /in)')
  const missing = await runCli(t, ['check'], { AUTH_HOOKS_CONFIG: '/nonexistent/auth.yaml' })
  t.equal(missing.code, 1)
  t.match(missing.stderr, /^\/nonexistent\/auth\.yaml:1:1 cannot read config: ENOENT.*\n1 problem\(s\) in \/nonexistent\/auth\.yaml\n$/)
  const flag = await runCli(t, ['check', '/nonexistent/auth.yaml', '--config', good])
  t.equal(flag.code, 0)
})
