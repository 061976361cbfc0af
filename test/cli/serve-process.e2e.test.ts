import t from 'tap'
import { call, listeningPort, repoRoot, spawnLogged, writeConfig, type Run } from '../helpers.js'

/** Runs the CLI from source exactly as `node src/cli.ts` would, through the test's own TypeScript loader. */
function cli (args: string[], env: NodeJS.ProcessEnv = {}): Run {
  return spawnLogged(process.execPath, [...process.execArgv, `${repoRoot}src/cli.ts`, ...args], { cwd: repoRoot, env })
}

// Each run starts a Node.js process that compiles the TypeScript sources: slow on a busy machine.
t.setTimeout(300_000)

t.test('serve: real HTTP on an ephemeral port, then SIGTERM finishes the request in flight and exits 0', async t => {
  const run = cli(['serve'])
  t.teardown(() => { run.child.kill('SIGKILL') })
  const port = await listeningPort(run)

  t.same(await call(port, 'GET', '/healthz'), { status: 200, body: { status: 'ok' } })
  t.match(await call(port, 'GET', '/readyz'), { status: 200, body: { status: 'ready', policy: /^[0-9a-f]{12}$/ } })
  t.same(await call(port, 'POST', '/signup-hook', { provider: 'email', data: { email: 'ann@gmail.com', password: 'hunter2' } }), {
    status: 403, body: { code: 'invalid-email', message: 'Only users with company.com domain are allowed' }
  })
  t.same(await call(port, 'POST', '/signup-hook', { provider: 'email', data: { email: 'ann@company.com', accountType: 'merchant' } }), { status: 200, body: { roles: ['merchant'] } })

  let release = (): void => {}
  const held = new Promise<void>(resolve => { release = resolve })
  let connected = (): void => {}
  const sent = new Promise<void>(resolve => { connected = resolve })
  const inFlight = call(port, 'POST', '/signup-hook', { provider: 'email', data: { email: 'ann@company.com', password: 'hunter2' } }, held, connected)
  await sent
  await new Promise(resolve => setTimeout(resolve, 300)) // let the server read the headers
  run.child.kill('SIGTERM')
  await t.resolves(refusedWithin(port, 10_000), 'no new connections once shutting down')
  release()
  t.same(await inFlight, { status: 200, body: { roles: [] } }, 'the request in flight completes')
  t.equal(await run.exit, 0)

  const records = run.stdout.map(line => JSON.parse(line) as Record<string, unknown>)
  t.match(records.find(record => record.msg === 'policy loaded'), { config: 'conf/auth.yaml', hooks: ['preSignup /signup-hook', 'preLogin /login-hook'] })
  t.match(records.find(record => record.msg === 'shutting down: finishing in-flight requests'), { signal: 'SIGTERM' })
  t.equal(records.filter(record => record.msg === 'decision').length, 3)
  t.notOk(run.stdout.some(line => line.includes('hunter2')), 'the password never reaches a log line')
})

t.test('serve with an invalid config exits 1 with FILE:LINE:COL lines on stderr', async t => {
  const file = await writeConfig('hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { provider: email }\n      - name: b\n        roles: []\n')
  const run = cli(['serve', file])
  t.equal(await run.exit, 1)
  t.equal(run.stderr(), [
    `${file}:4:9 preSignup rule "a": needs one action, one of "deny", "allow", "roles"`,
    `${file}:7:16 preSignup rule "b" roles: must NOT have fewer than 1 items`,
    `auth-hooks: ${file} is invalid; not starting`,
    ''
  ].join('\n'))
  t.same(run.stdout, [], 'nothing started')
})

t.test('check: exit 0 and a summary for a valid config, 1 and the problems otherwise', async t => {
  const ok = cli(['check', 'conf/auth.yaml'])
  t.equal(await ok.exit, 0)
  t.match(ok.stdout.join('\n'), /^conf\/auth\.yaml: ok \(policy [0-9a-f]{12}; preSignup → POST \/signup-hook, preLogin → POST \/login-hook\)$/)

  const file = await writeConfig('hooks:\n  preSignup:\n    rules:\n      - name: x\n        when: { field: data.u, matches: "(a|a)*$" }\n        allow: true\n', {})
  const bad = cli(['check', file])
  t.equal(await bad.exit, 1)
  t.match(bad.stderr(), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:41 preSignup rule "x" when\\.matches: pattern .* can backtrack catastrophically .*\\n1 problem\\(s\\) in `))
})

/** Resolves once connections to `port` are refused; rejects if that takes longer than `ms`. */
async function refusedWithin (port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const refused = await call(port, 'GET', '/healthz').then(() => false, (error: { code?: string }) => error.code === 'ECONNREFUSED')
    if (refused) return
    if (Date.now() > deadline) throw new Error(`port ${port} still accepts connections`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
