import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import t from 'tap'
import { repoRoot, writeConfig } from './helpers.js'

// Each run starts a Node.js process that compiles the TypeScript sources: slow on a busy machine.
t.setTimeout(300_000)

interface Run { child: ChildProcess, stdout: string[], stderr: () => string, exit: Promise<number | null> }

/** Runs the CLI from source exactly as `node src/cli.ts` would, through the test's own TypeScript loader. */
function cli (args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): Run {
  const child = spawn(process.execPath, [...process.execArgv, `${repoRoot}src/cli.ts`, ...args], {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const stdout: string[] = []
  let stderr = ''
  let buffered = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const lines = buffered.split('\n')
    buffered = lines.pop() as string
    stdout.push(...lines)
    child.emit('lines')
  })
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exit = once(child, 'exit').then(([code]) => code as number | null)
  return { child, stdout, stderr: () => stderr, exit }
}

/** The port from Fastify's "Server listening at http://127.0.0.1:PORT" line. */
async function listeningPort (run: Run): Promise<number> {
  for (;;) {
    for (const line of run.stdout) {
      const match = /"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(line)
      if (match !== null) return Number(match[1])
    }
    await Promise.race([once(run.child, 'lines'), run.exit.then(code => { throw new Error(`exited ${code}: ${run.stderr()}`) })])
  }
}

/** A real HTTP call; `hold` sends the headers and half the body, then the rest when it resolves. */
async function call (port: number, method: string, path: string, body?: unknown, hold?: Promise<void>): Promise<{ status: number, body: any }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.length } }, res => {
      let text = ''
      res.on('data', chunk => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode as number, body: text === '' ? undefined : JSON.parse(text) }))
    })
    req.on('error', reject)
    if (payload === undefined) { req.end(); return }
    if (hold === undefined) { req.end(payload); return }
    req.write(payload.subarray(0, 10))
    req.flushHeaders()
    hold.then(() => req.end(payload.subarray(10)), reject)
  })
}

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
  const inFlight = call(port, 'POST', '/signup-hook', { provider: 'email', data: { email: 'ann@company.com', password: 'hunter2' } }, held)
  await new Promise(resolve => setTimeout(resolve, 200))
  run.child.kill('SIGTERM')
  await new Promise(resolve => setTimeout(resolve, 300))
  await t.rejects(call(port, 'GET', '/healthz'), { code: 'ECONNREFUSED' }, 'no new connections once shutting down')
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
