import { execFile } from 'node:child_process'
import { access, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { SignJWT } from 'jose'
import t from 'tap'
import { parse } from 'yaml'
import { call, listeningPort, repoRoot, spawnLogged } from './helpers.js'

// What the npm package and the Docker image do, without a Docker engine: pack; install the tarball
// as a user of `npx auth-hooks` would; then build the image's layout by running the Dockerfile's
// own `deps` stage commands and copying what its `runtime` stage copies, and start it with the
// image's ENV, ENTRYPOINT and CMD. npm pack builds dist/ (prepare); npm compiles better-sqlite3.
t.setTimeout(900_000)

const run = promisify(execFile)
// The installed service must not see the test runner's loaders.
// npm test sets DATABASE_URL for its own PostgreSQL; the image stores in its data volume unless
// the operator sets one, so nothing this file starts may inherit it.
delete process.env.DATABASE_URL
const { NODE_OPTIONS: _loaders, ...cleanEnv } = process.env
const npmEnv = { ...cleanEnv, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }
const nodeMajor = Number(process.versions.node.split('.')[0])
const engines = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).engines.node as string
const supported = nodeMajor >= Number(/^>=(\d+)$/.exec(engines)![1])
const pathWithNode = `${dirname(process.execPath)}:${cleanEnv.PATH ?? ''}`

if (!supported) {
  t.comment(`Node ${process.versions.node} is outside engines (${engines}): CI runs the package test on Node 22 (.ci/run, scripts/use-node.sh)`)
}

/** The Dockerfile as stages of [instruction, argument] lines (continuations joined). */
async function dockerfile (): Promise<Map<string, Array<[string, string]>>> {
  const text = (await readFile(join(repoRoot, 'Dockerfile'), 'utf8')).replace(/\\\n\s*/g, '')
  const stages = new Map<string, Array<[string, string]>>()
  let current: Array<[string, string]> = []
  for (const line of text.split('\n')) {
    const match = /^([A-Z]+) (.*)$/.exec(line)
    if (match === null) continue
    if (match[1] === 'FROM') stages.set(/ AS (\w+)$/.exec(match[2]!)![1]!, current = [])
    current.push([match[1]!, match[2]!])
  }
  return stages
}

const instruction = (stage: Array<[string, string]>, name: string): string[] => stage.filter(([key]) => key === name).map(([, value]) => value)

/** The image's ENV as an object. */
function imageEnv (stage: Array<[string, string]>): Record<string, string> {
  return Object.fromEntries(instruction(stage, 'ENV').flatMap(value => [...value.matchAll(/(\w+)=(\S+)/g)].map(match => [match[1]!, match[2]!])))
}

async function dockerHealthchecks (): Promise<Record<'Dockerfile' | 'compose', string[]>> {
  const runtime = (await dockerfile()).get('runtime')!
  const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8'))
  return { Dockerfile: JSON.parse(/^.*CMD (\[.*\])$/.exec(instruction(runtime, 'HEALTHCHECK')[0]!)![1]!), compose: compose.services['auth-hooks'].healthcheck.test.slice(1) }
}

/** An operator's conf/: auth.yaml and its lists only, no schemas (a Docker mount, a ConfigMap). */
async function operatorConf (dir: string, authYaml?: string): Promise<string> {
  await mkdir(join(dir, 'lists'), { recursive: true })
  await cp(join(repoRoot, 'conf/lists'), join(dir, 'lists'), { recursive: true })
  await writeFile(join(dir, 'auth.yaml'), authYaml ?? await readFile(join(repoRoot, 'conf/auth.yaml'), 'utf8'))
  return dir
}

t.test('npm pack → npm install → auth-hooks check and serve on an operator conf/ without schemas', { skip: !supported && 'Node outside engines' }, async t => {
  const work = await mkdtemp(join(tmpdir(), 'auth-hooks-pack-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repoRoot, env: npmEnv, maxBuffer: 16 * 1024 * 1024 })
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string, files: Array<{ path: string }> }>
  const shipped = packed!.files.map(file => file.path)
  for (const needed of ['package.json', 'dist/cli.js', 'dist/app.js', 'schema/auth.schema.json', 'schema/auth.test.schema.json', 'conf/auth.yaml', 'conf/lists/blocked-domains.txt']) {
    t.ok(shipped.includes(needed), `the tarball ships ${needed}`)
  }
  t.notOk(shipped.some(path => /^(src|test|scripts|\.ci)\//.test(path)), 'no sources, tests or CI files in the tarball')

  const app = join(work, 'app')
  // Scripts off: nothing here opens the store, so better-sqlite3's addon is not needed (the image test builds it).
  const install = await run('npm', ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-package-lock', '--prefix', app, join(work, packed!.filename)], { cwd: work, env: npmEnv, maxBuffer: 16 * 1024 * 1024 })
  t.notMatch(install.stderr, 'EBADENGINE', `every production dependency supports Node ${process.versions.node}`)
  const modules = await readdir(join(app, 'node_modules'))
  for (const dev of ['tap', 'typescript', 'eslint', 'json-schema-to-typescript']) t.notOk(modules.includes(dev), `no ${dev} (dev dependency) installed`)
  const bin = join(app, 'node_modules', '.bin', 'auth-hooks')
  await access(bin)

  const conf = await operatorConf(join(work, 'operator', 'conf'))
  const env = { ...cleanEnv, PATH: pathWithNode }
  const check = await run(bin, ['check'], { cwd: dirname(conf), env })
  t.match(check.stdout, /^conf\/auth\.yaml: ok \(policy [0-9a-f]{12};/, 'check reads the schema from the package, not from conf/')
  const cases = await run(bin, ['test', join(repoRoot, 'conf/auth.test.yaml'), '--config', 'conf/auth.yaml'], { cwd: dirname(conf), env })
  t.match(cases.stdout, /\n\d+ passed, 0 failed\n$/, 'test reads its case schema from the package too')

  const server = spawnLogged(bin, ['serve'], { cwd: dirname(conf), env: { ...cleanEnv, HOST: '127.0.0.1', PORT: '0', PATH: pathWithNode } })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = await listeningPort(server)
  t.match(await call(port, 'GET', '/readyz'), { status: 200, body: { status: 'ready', policy: /^[0-9a-f]{12}$/ } })
  t.same(await call(port, 'POST', '/signup-hook', { provider: 'email', data: { email: 'ann@company.com', accountType: 'merchant' } }), { status: 200, body: { roles: ['merchant'] } })
  t.same(await call(port, 'POST', '/login-hook', { provider: 'email', data: { email: 'ann@blocked.example' } }), {
    status: 403, body: { code: 'account-blocked', message: 'Logins from this domain are blocked' }
  }, 'list files load')
  server.child.kill('SIGTERM')
  t.equal(await server.exit, 0)
  t.equal(server.stderr(), '')
})

t.test('the image, step by step: deps stage, runtime layout, data dir, ENTRYPOINT + CMD, the CLI', { skip: !supported && 'Node outside engines' }, async t => {
  const stages = await dockerfile()
  t.same([...stages.keys()], ['build', 'deps', 'runtime'], 'three stages')
  const major = /^node:(\d+)-/.exec(instruction(stages.get('runtime')!, 'FROM')[0]!)![1]
  t.ok(Number(major) >= 22 && Number(major) % 2 === 0, `the image runs an LTS Node (${major})`)
  if (process.env.CI !== undefined) t.equal(Number(major), nodeMajor, 'CI tests the Node the image runs')
  t.ok(new Set([...stages.values()].map(stage => instruction(stage, 'FROM')[0]!.replace(/-.*/, ''))).size === 1, 'every stage on the same Node')
  t.notMatch(await readFile(join(repoRoot, 'Dockerfile'), 'utf8'), /^# syntax=/m, 'no syntax directive (it needs a registry at build time)')

  const image = await mkdtemp(join(tmpdir(), 'auth-hooks-image-'))
  t.teardown(() => rm(image, { recursive: true, force: true }))
  // The deps stage, as written: its COPY lines, then its RUN lines in /src.
  const deps = stages.get('deps')!
  for (const copy of instruction(deps, 'COPY')) {
    const parts = copy.split(' ')
    for (const source of parts.slice(0, -1)) await cp(join(repoRoot, source), join(image, source.split('/').at(-1)!))
  }
  for (const written of instruction(deps, 'RUN')) {
    // All of it but emptying the npm cache, which here is the developer's or CI's own.
    const command = written.replace(' && npm cache clean --force', '')
    t.not(command, written, 'the image empties its npm cache')
    const { stderr } = await run('sh', ['-c', command], { cwd: image, env: { ...npmEnv, npm_config_prefer_offline: 'true', PATH: pathWithNode }, maxBuffer: 64 * 1024 * 1024 })
    t.notMatch(stderr, 'EBADENGINE', `no engine warnings: ${command.slice(0, 40)}…`)
  }
  const modules = await readdir(join(image, 'node_modules'))
  t.notOk(modules.includes('recheck-jar'), 'recheck\'s JVM jar is pruned')
  t.notOk(modules.includes('tap'), 'production dependencies only')
  t.same(await readdir(join(image, 'node_modules/better-sqlite3/build/Release')), ['better_sqlite3.node'], 'only the addon is left of the native build')
  const { stdout: size } = await run('du', ['-sm', join(image, 'node_modules')])
  t.comment(`production node_modules: ${size.split('\t')[0]} MB`)

  // The runtime stage's copies from the other stages and the repository.
  const runtime = stages.get('runtime')!
  t.same(instruction(runtime, 'COPY'), ['package.json package-lock.json ./', '--from=deps /src/node_modules ./node_modules', '--from=build /src/dist ./dist', 'schema ./schema', 'conf ./conf'])
  await cp(join(repoRoot, 'dist'), join(image, 'dist'), { recursive: true })
  await cp(join(repoRoot, 'schema'), join(image, 'schema'), { recursive: true })
  // The operator mounts their own conf/ over the shipped one: auth.yaml and lists, no schemas. This
  // one uses profiles, so the store opens in the data dir, at its default path.
  await operatorConf(join(image, 'conf'), `${await readFile(join(repoRoot, 'conf/auth.yaml'), 'utf8')}
identity:
  jwt: { secret: '\${JWT_SECRET}', issuer: https://app.example.com/, audience: app }
  signInUrl: https://app.example.com/sign-in
profiles:
  schema: { type: object, properties: { name: { type: string } } }
`)
  const [setup] = instruction(runtime, 'RUN')
  t.match(setup, /^mkdir -p \/app\/data && chown node:node \/app\/data && chmod \+x dist\/cli\.js && ln -s \/app\/dist\/cli\.js \/usr\/local\/bin\/auth-hooks$/)
  t.same(instruction(runtime, 'VOLUME'), ['/app/data'])
  t.same(instruction(runtime, 'USER'), ['node'])
  await mkdir(join(image, 'data'))
  const binDir = join(image, 'usr-local-bin')
  await mkdir(binDir)
  await run('chmod', ['+x', join(image, 'dist/cli.js')])
  await symlink(join(image, 'dist/cli.js'), join(binDir, 'auth-hooks'))

  const env = { ...cleanEnv, ...imageEnv(runtime) }
  t.same(imageEnv(runtime), { NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '3000', AUTH_HOOKS_CONFIG: '/app/conf/auth.yaml' })
  env.AUTH_HOOKS_CONFIG = env.AUTH_HOOKS_CONFIG!.replace(/^\/app\//, `${image}/`)
  Object.assign(env, { HOST: '127.0.0.1', PORT: '0', JWT_SECRET: 'a-jwt-secret-of-at-least-32-characters!', PATH: `${binDir}:${pathWithNode}` })
  const entrypoint = JSON.parse(instruction(runtime, 'ENTRYPOINT')[0]!) as string[]
  const cmd = JSON.parse(instruction(runtime, 'CMD')[0]!) as string[]
  t.same([entrypoint, cmd], [['node', 'dist/cli.js'], ['serve']])
  const node = (args: string[]): string[] => args[0] === 'node' ? [process.execPath, ...args.slice(1)] : args

  // `docker compose run --rm auth-hooks check`: the entrypoint with `check` for CMD.
  const [exe, ...entryArgs] = node(entrypoint)
  const check = await run(exe!, [...entryArgs, 'check'], { cwd: image, env })
  t.match(check.stdout, new RegExp(`^${image}/conf/auth\\.yaml: ok \\(policy [0-9a-f]{12};`))
  // `docker compose exec auth-hooks auth-hooks check`: the CLI on PATH.
  t.match((await run('auth-hooks', ['check'], { cwd: image, env })).stdout, /: ok \(policy/)

  const server = spawnLogged(exe!, [...entryArgs, ...cmd], { cwd: image, env })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = await listeningPort(server)
  t.match(await call(port, 'GET', '/readyz'), { status: 200, body: { status: 'ready' } })
  const token = await new SignJWT({ sub: 'user_ada' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://app.example.com/').setAudience('app')
    .setExpirationTime('5m').sign(new TextEncoder().encode(env.JWT_SECRET))
  const saved = await fetch(`http://127.0.0.1:${port}/users/me`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name":"Ada"}' })
  t.equal(saved.status, 200, 'a profile is saved')
  t.ok((await stat(join(image, 'data/auth-hooks.db'))).size > 0, 'in data/auth-hooks.db, the image\'s volume')

  const [command, ...args] = (await dockerHealthchecks()).Dockerfile
  const probe = async (healthcheck: string[]): Promise<number> => {
    const [exe, ...rest] = node(healthcheck)
    return await run(exe!, rest, { env: { ...cleanEnv, PORT: String(port) } }).then(() => 0, (error: { code: number }) => error.code)
  }
  t.equal(await probe([command!, ...args]), 0, 'the Dockerfile healthcheck passes on $PORT')
  t.equal(await probe((await dockerHealthchecks()).compose), 0, 'so does the compose healthcheck')
  server.child.kill('SIGTERM')
  t.equal(await server.exit, 0)
  t.equal(await probe([command!, ...args]), 1, 'the healthcheck fails once the service is down')
})

t.test('docker-compose.yml: the default service, its volume, and the fakes profile beside it', async t => {
  const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8'))
  const main = compose.services['auth-hooks']
  t.same(main.volumes, ['./conf:/app/conf:ro', 'auth-hooks-data:/app/data'])
  t.same(Object.keys(compose.volumes), ['auth-hooks-data'])
  t.same(main.healthcheck.test.slice(1), (await dockerHealthchecks()).Dockerfile, 'the same probe as the image, reading $PORT')
  const published = (service: { ports?: string[] }): string[] => (service.ports ?? []).map(port => port.split(':')[0]!)
  const profiled = Object.entries(compose.services as Record<string, { profiles?: string[], ports?: string[] }>)
  const withFakes = profiled.filter(([, service]) => service.profiles === undefined || service.profiles.includes('fakes'))
  const ports = withFakes.flatMap(([, service]) => published(service))
  t.same(ports, [...new Set(ports)], '`docker compose --profile fakes up` publishes no port twice')
  const fakes = compose.services.fakes
  t.same(fakes.entrypoint, ['node', 'test/fakes/serve.mjs'])
  t.equal(fakes.environment.PORT, '3001')
  t.ok(published(fakes).includes('3001'), 'its auth-hooks is published on the port serve.mjs gives it')
})
