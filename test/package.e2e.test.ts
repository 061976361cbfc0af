import { execFile } from 'node:child_process'
import { access, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { parse } from 'yaml'
import { call, listeningPort, repoRoot, spawnLogged } from './helpers.js'

// What the Docker image does, without a Docker engine: pack, install with production
// dependencies only into an empty folder, serve the shipped conf from there, probe it, stop it.
// npm pack builds dist/ (prepare) and npm install reads the registry cache: give it time.
t.setTimeout(600_000)

const run = promisify(execFile)
// The installed service must not see the test runner's loaders.
const { NODE_OPTIONS: _loaders, ...cleanEnv } = process.env
const npmEnv = { ...cleanEnv, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }

t.test('npm pack → npm install --omit=dev → auth-hooks serve on its shipped conf', async t => {
  const work = await mkdtemp(join(tmpdir(), 'auth-hooks-pack-'))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repoRoot, env: npmEnv, maxBuffer: 16 * 1024 * 1024 })
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string, files: Array<{ path: string }> }>
  const shipped = packed!.files.map(file => file.path)
  for (const needed of ['package.json', 'dist/cli.js', 'dist/app.js', 'conf/auth.yaml', 'conf/auth.schema.json', 'conf/lists/blocked-domains.txt']) {
    t.ok(shipped.includes(needed), `the tarball ships ${needed}`)
  }
  t.notOk(shipped.some(path => /^(src|test|scripts|\.ci)\//.test(path)), 'no sources, tests or CI files in the tarball')

  const app = join(work, 'app')
  await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-package-lock', '--prefix', app, join(work, packed!.filename)], { cwd: work, env: npmEnv, maxBuffer: 16 * 1024 * 1024 })
  const installed = join(app, 'node_modules', 'auth-hooks')
  const modules = await readdir(join(app, 'node_modules'))
  for (const dev of ['tap', 'typescript', 'eslint', 'json-schema-to-typescript']) t.notOk(modules.includes(dev), `no ${dev} (dev dependency) installed`)
  t.same(JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')).bin, { 'auth-hooks': 'dist/cli.js' })
  await access(join(app, 'node_modules', '.bin', 'auth-hooks'))

  const check = await run(join(app, 'node_modules', '.bin', 'auth-hooks'), ['check'], { cwd: installed, env: { ...cleanEnv, PATH: `${dirname(process.execPath)}:${cleanEnv.PATH ?? ''}` } })
  t.match(check.stdout, /^conf\/auth\.yaml: ok \(policy [0-9a-f]{12};/)

  const server = spawnLogged(join(app, 'node_modules', '.bin', 'auth-hooks'), ['serve'], {
    cwd: installed,
    env: { ...cleanEnv, HOST: '127.0.0.1', PORT: '0', PATH: `${dirname(process.execPath)}:${cleanEnv.PATH ?? ''}` }
  })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = await listeningPort(server)
  t.match(await call(port, 'GET', '/readyz'), { status: 200, body: { status: 'ready', policy: /^[0-9a-f]{12}$/ } })
  t.same(await call(port, 'GET', '/healthz'), { status: 200, body: { status: 'ok' } })
  t.same(await call(port, 'POST', '/signup-hook', { provider: 'email', data: { email: 'ann@company.com', accountType: 'merchant' } }), { status: 200, body: { roles: ['merchant'] } })
  t.same(await call(port, 'POST', '/signup-hook', { provider: 'email', data: { email: 'ann@gmail.com' } }), {
    status: 403, body: { code: 'invalid-email', message: 'Only users with company.com domain are allowed' }
  })
  t.same(await call(port, 'POST', '/login-hook', { provider: 'email', data: { email: 'ann@blocked.example' } }), {
    status: 403, body: { code: 'account-blocked', message: 'Logins from this domain are blocked' }
  }, 'list files ship and load')

  // The image's HEALTHCHECK, run as Docker would (it reads PORT, so it works on this ephemeral port).
  const [command, ...args] = (await dockerHealthchecks()).Dockerfile
  const probe = async (): Promise<number> => await run(command === 'node' ? process.execPath : command!, args, { env: { ...cleanEnv, PORT: String(port) } }).then(() => 0, (error: { code: number }) => error.code)
  t.equal(await probe(), 0, 'the Dockerfile healthcheck passes')

  server.child.kill('SIGTERM')
  t.equal(await server.exit, 0)
  t.equal(server.stderr(), '')
  t.equal(await probe(), 1, 'the Dockerfile healthcheck fails once the service is down')
})

/** The HEALTHCHECK commands of the Dockerfile and docker-compose.yml, as exec arrays. */
async function dockerHealthchecks (): Promise<Record<'Dockerfile' | 'compose', string[]>> {
  const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8')
  const exec = /^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile)
  const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8'))
  return { Dockerfile: JSON.parse(exec![1]!), compose: compose.services['auth-hooks'].healthcheck.test.slice(1) }
}

t.test('the image: production dependencies only, non-root, conf at /app/conf, node dist/cli.js serve', async t => {
  const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  t.match(dockerfile, /^RUN npm ci --omit=dev .*&& npm rebuild better-sqlite3/m, 'production dependencies, native addon built')
  t.match(runtime, /^COPY --from=deps \/src\/node_modules \.\/node_modules$/m)
  t.match(runtime, /^USER node$/m)
  t.match(runtime, /AUTH_HOOKS_CONFIG=\/app\/conf\/auth\.yaml/)
  t.match(runtime, /^CMD \["node", "dist\/cli\.js", "serve"\]$/m)
  t.match((await dockerHealthchecks()).Dockerfile.join(' '), /\/healthz/)
  const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8')).services['auth-hooks']
  t.same(compose.volumes, ['./conf:/app/conf:ro'])
  t.same(compose.ports, ['3000:3000'])
  t.match(compose.healthcheck.test.join(' '), /^CMD node .*http:\/\/127\.0\.0\.1:3000\/healthz/)
})
