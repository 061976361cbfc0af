import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'

const signupOnly = `hooks:
  preSignup:
    rules:
      - name: company
        when: { emailDomain: { notIn: [company.com] } }
        deny: { code: invalid-email, message: company.com only }
caller: { none: true }
`

/** Starts `auth-hooks serve` from source as its own process; resolves with its exit code and output. */
function serve (args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [...process.execArgv, 'src/cli.ts', 'serve', ...args], { env: { ...process.env, ...env } })
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', chunk => { output.stdout += chunk })
  child.stderr.on('data', chunk => { output.stderr += chunk })
  const exited = new Promise<number | null>(resolve => child.on('close', resolve))
  return { child, output, exited }
}

t.test('serve: SIGHUP reloads the config and keeps serving; SIGTERM exits 0', async t => {
  const dir = t.testdir({ 'auth.yaml': signupOnly, lists: {} })
  const file = join(dir, 'auth.yaml')
  const { child, output, exited } = serve(['--config', file], { PORT: '0', HOST: '127.0.0.1' })
  const until = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (let i = 0; i < 6000; i++) {
      const match = output.stdout.match(pattern)
      if (match !== null) return match
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    throw new Error(`no ${pattern} in ${output.stdout}`)
  }
  const [, address] = await until(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/)
  const signup = async (): Promise<unknown> => {
    const response = await fetch(`${address}/signup-hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"provider":"email","data":{"email":"a@gmail.com"}}' })
    return response.status
  }
  t.equal(await signup(), 403)

  child.kill('SIGHUP')
  await until(/"msg":"SIGHUP: reloading config"/)
  await until(/"msg":"config reloaded: policy unchanged"/)
  writeFileSync(file, signupOnly.replace('notIn: [company.com]', 'notIn: [company.com, gmail.com]'))
  child.kill('SIGHUP')
  await until(/"msg":"config reloaded: new policy in force"/)
  t.equal(await signup(), 200, 'the reloaded policy answers')
  t.equal(child.exitCode, null, 'SIGHUP did not stop the server')

  child.kill('SIGTERM')
  t.equal(await exited, 0)
})

t.test('serve: an invalid config does not start', async t => {
  const dir = t.testdir({ 'auth.yaml': 'hooks: {preSignup: {rules: [{name: x}]}}\ncaller: { none: true }\n' })
  const run = serve(['--config', join(dir, 'auth.yaml')], { PORT: '0' })
  t.equal(await run.exited, 1)
  t.match(run.output.stderr, /auth\.yaml:1:\d+ preSignup rule "x": .*\n.*is invalid; not starting/)
})
