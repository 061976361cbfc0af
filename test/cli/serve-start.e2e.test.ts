// A start that cannot succeed ends the process at once with exit 1 and the reason on stderr. Each
// of these used to print one line and leave a process alive and not serving (issue 16), which a
// container's `restart:` never restarts. Every case runs `auth-hooks serve` as a real process.
import { once } from 'node:events'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { dirname, join } from 'node:path'
import t from 'tap'
import { repoRoot, spawnLogged, writeConfig } from '../helpers.js'

t.setTimeout(300_000)

// The process must be gone this long after it started, whatever the reason (the TypeScript
// loader's compile time included: a hang is what this catches, the exit itself takes ~0.5 s).
const EXITS_WITHIN_MS = 60_000

const storeConfig = (sqlitePath: string): string => `
caller: { none: true }
identity:
  jwt: { secret: "0123456789abcdef0123456789abcdef", issuer: https://app.example.com/, audience: app }
  signInUrl: https://app.example.com/sign-in
profiles:
  schema: { type: object, properties: { name: { type: string } } }
store:
  sqlitePath: ${JSON.stringify(sqlitePath)}
hooks:
  preLogin: { rules: [] }
`

/** Runs `auth-hooks serve CONFIG` from source; resolves with its exit code, stderr and run time. */
async function serveFails (config: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null, stderr: string, ms: number }> {
  const started = Date.now()
  const run = spawnLogged(process.execPath, [...process.execArgv, `${repoRoot}src/cli.ts`, 'serve', config], { cwd: repoRoot, env: { DATABASE_URL: '', ...env } })
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL')
      reject(new Error(`still running after ${EXITS_WITHIN_MS} ms: ${run.stderr()}`))
    }, EXITS_WITHIN_MS)
  })
  try {
    const code = await Promise.race([run.exit, hung])
    return { code, stderr: run.stderr(), ms: Date.now() - started }
  } finally {
    clearTimeout(timer)
  }
}

async function listening (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as { port: number }).port }
}

/** A loopback port nothing listens on. */
async function closedPort (): Promise<number> {
  const { server, port } = await listening()
  server.close()
  await once(server, 'close')
  return port
}

t.test('port in use (EADDRINUSE): exit 1 with the reason', async t => {
  const { server, port } = await listening()
  t.teardown(() => { server.close() })
  const config = await writeConfig('hooks:\n  preLogin: { rules: [] }\n')
  const result = await serveFails(config, { PORT: String(port) })
  t.equal(result.code, 1)
  t.equal(result.stderr, `auth-hooks: cannot start: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`)
})

t.test('port in use with a store configured: the store is closed too, and the process ends', async t => {
  const { server, port } = await listening()
  t.teardown(() => { server.close() })
  const config = await writeConfig(storeConfig('data/auth-hooks.db'))
  const result = await serveFails(config, { PORT: String(port) })
  t.equal(result.code, 1)
  t.match(result.stderr, /^auth-hooks: cannot start: listen EADDRINUSE/)
})

t.test('PostgreSQL unreachable: exit 1, the reason without the URL (it carries the password)', async t => {
  const config = await writeConfig(storeConfig('data/auth-hooks.db'))
  const port = await closedPort()
  const result = await serveFails(config, { DATABASE_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/app` })
  t.equal(result.code, 1)
  t.equal(result.stderr, `auth-hooks: cannot start: cannot open the PostgreSQL store (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:${port}\n`)
  t.notMatch(result.stderr, 's3cret-pw')
})

t.test('a DATABASE_URL with another scheme: exit 1', async t => {
  const config = await writeConfig(storeConfig('data/auth-hooks.db'))
  const result = await serveFails(config, { DATABASE_URL: 'mysql://app:pw@127.0.0.1/app' })
  t.equal(result.code, 1)
  t.equal(result.stderr, 'auth-hooks: cannot start: DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)\n')
})

t.test('a store path that cannot be created (ENOTDIR): exit 1 naming the path', async t => {
  const config = await writeConfig(storeConfig('placeholder'))
  const file = join(dirname(config), 'not-a-folder')
  await writeFile(file, '')
  await writeFile(config, storeConfig(join(file, 'sub', 'auth-hooks.db')))
  const result = await serveFails(config)
  t.equal(result.code, 1)
  t.match(result.stderr, new RegExp(`^auth-hooks: cannot start: cannot open the SQLite store at ${file}/sub/auth-hooks\\.db: ENOTDIR: not a directory, mkdir .*\\(store\\.sqlitePath names a file in a writable folder\\)\\n$`))
})

t.test('a store folder the process may not write (EACCES): exit 1', { skip: process.getuid?.() === 0 ? 'root may write anywhere: EACCES cannot happen' : false }, async t => {
  const config = await writeConfig(storeConfig('placeholder'))
  const locked = join(dirname(config), 'locked')
  await mkdir(locked)
  await chmod(locked, 0o500)
  await writeFile(config, storeConfig(join(locked, 'data', 'auth-hooks.db')))
  const result = await serveFails(config)
  t.equal(result.code, 1)
  t.match(result.stderr, /^auth-hooks: cannot start: cannot open the SQLite store at .*EACCES/)
})
