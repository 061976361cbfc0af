/* eslint-disable no-template-curly-in-string -- the configs under test use ${ENV} references */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadPolicy } from '../../src/policy/load.js'
import { POLICY_VERSION_HEADER } from '../../src/hooks/routes.js'
import type { PolicyEvent } from '../../src/policy/live.js'

/** A config whose preSignup hook denies everything with `code`, so an answer names its version. */
function denyAll (code: string, options: { path?: string, bodyBytes?: number, login?: string } = {}): string {
  return [
    ...(options.bodyBytes === undefined ? [] : ['limits:', `  bodyBytes: ${options.bodyBytes}`]),
    'hooks:',
    '  preSignup:',
    `    path: ${options.path ?? '/signup-hook'}`,
    '    rules:',
    '      - name: deny-all',
    '        deny:',
    `          code: ${code}`,
    '          message: denied by this version',
    ...(options.login === undefined ? [] : [options.login]),
    'caller: { none: true }',
    ''
  ].join('\n')
}

const blockedLogins = [
  '  preLogin:',
  '    rules:',
  '      - name: blocked',
  '        when:',
  '          emailDomain:',
  '            in: { file: lists/blocked.txt }',
  '        deny: { code: blocked, message: blocked }'
].join('\n')

interface Started {
  app: Awaited<ReturnType<typeof buildApp>>
  file: string
  dir: string
  events: PolicyEvent[]
  logs: Array<Record<string, unknown>>
}

async function start (t: Test, files: Record<string, unknown>, options: { debounceMs?: number, env?: NodeJS.ProcessEnv } = {}): Promise<Started> {
  const dir = t.testdir(files as Parameters<typeof t.testdir>[0])
  const file = join(dir, 'auth.yaml')
  const loaded = await loadPolicy(file, options.env)
  if (!loaded.ok) throw new Error(`fixture is invalid: ${JSON.stringify(loaded.problems)}`)
  const logs: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write (chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line !== '') logs.push(JSON.parse(line))
      callback()
    }
  })
  const app = await buildApp({
    policy: loaded.policy,
    config: loaded.config,
    loggerInstance: pino({ level: 'info' }, stream),
    watch: { file, files: loaded.files, debounceMs: options.debounceMs ?? 20, ...(options.env === undefined ? {} : { env: options.env }) }
  })
  t.teardown(() => app.close())
  const events: PolicyEvent[] = []
  app.policies.onChange(event => events.push(event))
  return { app, file, dir, events, logs }
}

/** The deny code the policy in force gives a signup, without going through HTTP. */
function currentCode (app: Started['app']): unknown {
  const decision = app.policies.current.hooks.get('preSignup')?.decide({ provider: 'x', data: {} })
  return decision?.outcome === 'deny' ? decision.code : undefined
}

async function waitFor (what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

async function signupCode (app: Started['app'], url = '/signup-hook'): Promise<{ status: number, code: unknown, version: unknown }> {
  const response = await app.inject({ method: 'POST', url, payload: { provider: 'email', data: {} } })
  return { status: response.statusCode, code: response.json().code, version: response.headers[POLICY_VERSION_HEADER] }
}

t.test('reload under traffic: no failed call, every answer from one whole version', async t => {
  const { app, file, events } = await start(t, { 'auth.yaml': denyAll('version-a') }, { debounceMs: 5 })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const versions = [denyAll('version-a'), 'caller: { none: true }\nhooks: {preSignup: {rules: [', denyAll('version-b'), denyAll('version-b').slice(0, 60), denyAll('version-c', { bodyBytes: 4096 })]
  const answers: Array<{ status: number, code: string, version: string }> = []
  const traffic = { running: true }

  async function caller (): Promise<void> {
    while (traffic.running) {
      const response = await fetch(`${address}/signup-hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'email', data: { email: 'a@b.example' } })
      })
      const body = await response.json() as { code: string }
      answers.push({ status: response.status, code: body.code, version: response.headers.get(POLICY_VERSION_HEADER) as string })
    }
  }
  async function writer (): Promise<void> {
    for (let i = 0; i < 40; i++) {
      writeFileSync(file, versions[i % versions.length] as string)
      await new Promise(resolve => setTimeout(resolve, 25))
    }
    writeFileSync(file, denyAll('version-b'))
    await waitFor('the last version', () => currentCode(app) === 'version-b')
    traffic.running = false
  }
  await Promise.all([writer(), caller(), caller(), caller()])

  t.ok(answers.length > 20, `${answers.length} calls made`)
  t.same(answers.filter(answer => answer.status !== 403), [], 'every call answered by a policy, none failed')
  t.same(new Set(answers.map(answer => answer.code)).size <= 2 && answers.every(a => a.code === 'version-a' || a.code === 'version-b'), true, 'only valid versions answered')
  const codesOfVersion = new Map<string, Set<string>>()
  for (const { version, code } of answers) codesOfVersion.set(version, (codesOfVersion.get(version) ?? new Set()).add(code))
  t.same([...codesOfVersion.values()].map(codes => codes.size), [...codesOfVersion.values()].map(() => 1), 'each policy version always gives the same answer')
  t.same(new Set(answers.map(answer => answer.code)), new Set(['version-a', 'version-b']), 'both versions served during the run')
  t.ok(events.some(event => event.type === 'loaded'), 'some reloads succeeded')
  t.ok(events.some(event => event.type === 'failed'), 'the invalid versions were refused')
  t.equal((await signupCode(app)).code, 'version-b')
})

t.test('an editor that saves by writing a copy and renaming it over the file', async t => {
  const { app, file, dir } = await start(t, { 'auth.yaml': denyAll('first') })
  for (const code of ['second', 'third']) {
    writeFileSync(join(dir, '.auth.yaml.swp'), denyAll(code))
    renameSync(join(dir, '.auth.yaml.swp'), file)
    await waitFor(`the ${code} version`, () => currentCode(app) === code)
  }
  // vim's backup style: move the original away, write a new file, drop the backup
  renameSync(file, `${file}~`)
  writeFileSync(file, denyAll('fourth'))
  rmSync(`${file}~`)
  await waitFor('the fourth version', () => currentCode(app) === 'fourth')
  t.equal((await signupCode(app)).code, 'fourth')
})

t.test('rapid writes are debounced into one reload of the last version', async t => {
  const { app, file, events } = await start(t, { 'auth.yaml': denyAll('start') }, { debounceMs: 300 })
  for (let i = 1; i <= 5; i++) writeFileSync(file, denyAll(`write-${i}`))
  await waitFor('a reload', () => events.length > 0)
  await new Promise(resolve => setTimeout(resolve, 400))
  t.equal(events.length, 1, 'one reload for five writes')
  t.equal((await signupCode(app)).code, 'write-5')
})

t.test('a Kubernetes ConfigMap swap (renaming the ..data link) reloads', async t => {
  const { app, dir, file, events } = await start(t, { 'auth.yaml': denyAll('mounted') })
  writeFileSync(file, denyAll('swapped'))
  await waitFor('the first reload', () => events.length === 1)
  writeFileSync(join(dir, '..data_tmp'), '')
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'))
  await waitFor('the reload on the link swap', () => events.length === 2)
  t.equal(currentCode(app), 'swapped')
})

t.test('files the config does not read are ignored', async t => {
  const { dir, events } = await start(t, { 'auth.yaml': denyAll('start') })
  writeFileSync(join(dir, 'notes.txt'), 'unrelated')
  await new Promise(resolve => setTimeout(resolve, 150))
  t.same(events, [])
})

t.test('a list file is watched too, and a refused version recovers when fixed', async t => {
  const { app, dir, file, logs } = await start(t, {
    'auth.yaml': denyAll('signup', { login: blockedLogins }),
    lists: { 'blocked.txt': 'blocked.example\n' }
  })
  const login = async (email: string): Promise<number> => (await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: { email } } })).statusCode
  t.equal(await login('a@later.example'), 200)
  writeFileSync(join(dir, 'lists', 'blocked.txt'), 'blocked.example\nlater.example\n')
  await waitFor('the list reload', () => app.policies.current.hooks.get('preLogin')?.decide({ provider: 'email', data: { email: 'a@later.example' } }).outcome === 'deny')
  t.equal(await login('a@later.example'), 403)

  const version = app.policies.current.version
  writeFileSync(join(dir, 'lists', 'blocked.txt'), 'blocked.example\nnot a domain\n')
  await waitFor('the refusal', () => app.policies.failure !== null)
  t.equal(app.policies.current.version, version, 'the last good policy keeps serving')
  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', policy: version, newestConfig: { ok: false, failedAt: String, problems: [/lists\/blocked\.txt:2:1 "not a domain" is not a domain name$/] } })
  t.ok(logs.some(line => line.level === 50 && /config problem: .*blocked\.txt:2:1 "not a domain"/.test(String(line.msg))), 'each problem is logged as file:line:col')
  t.ok(logs.some(line => line.level === 50 && /config reload refused \(1 problem\(s\)\); policy \w+ keeps serving/.test(String(line.msg))))
  t.equal(await login('a@later.example'), 403)

  writeFileSync(join(dir, 'lists', 'blocked.txt'), 'blocked.example\n')
  await waitFor('recovery', () => app.policies.failure === null)
  t.same((await app.inject('/readyz')).json().newestConfig, { ok: true })
  t.equal(await login('a@later.example'), 200)

  // a config that stops reading the list stops watching its folder
  t.equal(app.configReloader.watchedDirectories.length, 2)
  writeFileSync(file, denyAll('signup'))
  await waitFor('the list-free version', () => !app.policies.current.hooks.has('preLogin'))
  t.same(app.configReloader.watchedDirectories, [dir])
})

t.test('a missing list file is refused and picked up once it appears', async t => {
  const { app, dir, file } = await start(t, { 'auth.yaml': denyAll('signup'), lists: {} })
  writeFileSync(file, denyAll('signup', { login: blockedLogins }))
  await waitFor('the refusal', () => app.policies.failure !== null)
  t.match(app.policies.failure?.problems, [/auth\.yaml:14:\d+ preLogin rule "blocked" when\.emailDomain\.in: cannot read list file/])
  t.equal((await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: {} } })).statusCode, 404, 'the old policy has no login hook')
  writeFileSync(join(dir, 'lists', 'blocked.txt'), 'blocked.example\n')
  await waitFor('recovery', () => app.policies.failure === null)
  t.equal((await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: { email: 'x@blocked.example' } } })).statusCode, 403)
})

t.test('a list folder that does not exist cannot be watched; the reload is refused and SIGHUP still works', async t => {
  const { app, dir, file, logs } = await start(t, { 'auth.yaml': denyAll('signup') })
  writeFileSync(file, denyAll('signup', { login: blockedLogins }))
  await waitFor('the refusal', () => app.policies.failure !== null)
  t.ok(logs.some(line => line.level === 40 && String(line.msg).startsWith('cannot watch this directory')))
  mkdirSync(join(dir, 'lists'))
  writeFileSync(join(dir, 'lists', 'blocked.txt'), 'blocked.example\n')
  await app.configReloader.reload()
  t.equal(app.policies.failure, null)
  t.ok(app.policies.current.hooks.has('preLogin'))
})

t.test('hook paths come from the policy in force: a reload can move a hook or add one', async t => {
  const { app, file } = await start(t, { 'auth.yaml': denyAll('moved') })
  t.equal((await signupCode(app, '/signup-hook')).status, 403)
  writeFileSync(file, denyAll('moved', { path: '/hooks/join', login: '  preLogin: {rules: []}' }))
  await waitFor('the new paths', () => app.policies.current.hooks.get('preSignup')?.path === '/hooks/join')
  t.match(await signupCode(app, '/hooks/join?source=test'), { status: 403, code: 'moved' })
  const old = await app.inject({ method: 'POST', url: '/signup-hook', payload: { provider: 'email', data: {} } })
  t.same([old.statusCode, old.json().code], [404, 'not-found'])
  const login = await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: {} } })
  t.same([login.statusCode, login.json()], [200, { roles: [] }])
  const notJson = await app.inject({ method: 'POST', url: '/not-a-hook', headers: { 'content-type': 'application/json' }, payload: '{' })
  t.same([notJson.statusCode, notJson.json().code], [404, 'not-found'], 'a path that is not a hook is 404 before its body is read')
})

t.test('a reload can switch a hook\'s dialect: the same path answers in the new system\'s format', async t => {
  const { app, file } = await start(t, { 'auth.yaml': denyAll('native-deny') })
  const okta = { eventType: 'com.okta.user.pre-registration', requestType: 'self.service.registration', data: { userProfile: { email: 'ann@company.com', login: 'ann@company.com' } } }
  const before = await app.inject({ method: 'POST', url: '/signup-hook', payload: okta })
  t.same([before.statusCode, before.json().code], [400, 'invalid-request'], 'native refuses an Okta body')
  writeFileSync(file, denyAll('okta-deny').replace('    rules:', '    dialect: okta-registration\n    rules:'))
  await waitFor('the Okta dialect', () => app.policies.current.hooks.get('preSignup')?.dialect === 'okta-registration')
  const after = await app.inject({ method: 'POST', url: '/signup-hook', payload: okta })
  t.equal(after.statusCode, 200, 'Okta denies in-band')
  t.match(after.json(), { commands: [{ type: 'com.okta.action.update', value: { registration: 'DENY' } }], error: { errorCauses: [{ reason: 'okta-deny' }] } })
  t.equal(after.headers[POLICY_VERSION_HEADER], app.policies.current.version)
})

t.test('an address list file is watched like a domain list', async t => {
  const vip = [
    '  preLogin:',
    '    default: deny',
    '    rules:',
    '      - name: vip',
    '        when: { emailAddress: { in: { file: lists/vip.txt } } }',
    '        allow: true'
  ].join('\n')
  const { app, dir } = await start(t, { 'auth.yaml': denyAll('signup', { login: vip }), lists: { 'vip.txt': 'ann@company.com\n' } })
  const login = async (email: string): Promise<number> => (await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: { email } } })).statusCode
  t.same([await login('ann@company.com'), await login('bob@company.com')], [200, 403])
  writeFileSync(join(dir, 'lists', 'vip.txt'), 'ann@company.com\nBob@Company.com\n')
  await waitFor('the list reload', () => app.policies.current.hooks.get('preLogin')?.decide({ provider: 'email', data: { email: 'bob@company.com' } }).outcome === 'allow')
  t.equal(await login('bob@company.com'), 200, 'an address added to the file is allowed after the reload')
})

t.test('a new body limit needs a restart: the reload is refused at limits.bodyBytes', async t => {
  const { app, file } = await start(t, { 'auth.yaml': denyAll('limit') })
  writeFileSync(file, denyAll('limit', { bodyBytes: 1024 }))
  await app.configReloader.reload()
  t.match(app.policies.failure?.problems, [/auth\.yaml:2:14 limits\.bodyBytes: changed from 65536 to 1024; restart auth-hooks to apply a new body limit$/])
  writeFileSync(file, denyAll('limit', { bodyBytes: 65536 }))
  await app.configReloader.reload()
  t.equal(app.policies.failure, null, 'the same limit spelled out is fine')
})

t.test('load-shedding settings are read once at start: a reload that changes them is refused (issue 16)', async t => {
  const { app, file } = await start(t, { 'auth.yaml': denyAll('shed') })
  const withLimits = (limits: string): string => denyAll('shed').replace('hooks:', `limits: { ${limits} }\nhooks:`)
  writeFileSync(file, withLimits('eventLoopDelayMs: 50, retryAfterSeconds: 7'))
  await app.configReloader.reload()
  t.match(app.policies.failure?.problems, [
    /auth\.yaml:1:29 limits\.eventLoopDelayMs: changed from 1000 to 50; restart auth-hooks to apply a new load-shedding threshold$/,
    /auth\.yaml:1:52 limits\.retryAfterSeconds: changed from 5 to 7; restart auth-hooks to apply a new Retry-After for shed requests$/
  ])
  t.match(app.policies.current.limits, { eventLoopDelayMs: 1000, retryAfterSeconds: 5 }, 'the running limits stay')
  writeFileSync(file, withLimits('eventLoopDelayMs: 1000, retryAfterSeconds: 5'))
  await app.configReloader.reload()
  t.equal(app.policies.failure, null, 'the same values spelled out are fine')
})

t.test('environment values are masked in reported problems', async t => {
  const env = { SIGNUP_CODE: 'code', BAD_DOMAIN: 'sk_live_not a domain' }
  const { app, file, logs } = await start(t, { 'auth.yaml': denyAll('${SIGNUP_CODE}') }, { env })
  writeFileSync(file, denyAll('${SIGNUP_CODE}', { login: '  preLogin:\n    rules:\n      - name: x\n        when: { emailDomain: { in: ["${BAD_DOMAIN}"] } }\n        deny: { code: x, message: x }' }))
  await app.configReloader.reload()
  const problems = app.policies.failure?.problems ?? []
  t.match(problems, [/"\$\{BAD_DOMAIN\}" is not a domain name/])
  t.notMatch(JSON.stringify(problems), 'sk_live')
  t.notMatch(JSON.stringify(logs), 'sk_live')
})

t.test('a load that throws is reported like any refused version', async t => {
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get (_target, name) { if (name === 'BROKEN') throw new Error('environment unavailable') }
  })
  const { app, file } = await start(t, { 'auth.yaml': denyAll('x') }, { env })
  writeFileSync(file, denyAll('${BROKEN}'))
  await app.configReloader.reload()
  t.match(app.policies.failure?.problems, [/auth\.yaml:1:1 cannot load: environment unavailable$/])
})

t.test('reloads never overlap: a request during a reload runs one more after it', async t => {
  // a long debounce keeps the watcher's own reload out of the count
  const { app, file, events } = await start(t, { 'auth.yaml': denyAll('one') }, { debounceMs: 60_000 })
  writeFileSync(file, denyAll('two'))
  const first = app.configReloader.reload()
  const second = app.configReloader.reload()
  await Promise.all([first, second])
  t.equal(events.length, 2)
  t.equal((await signupCode(app)).code, 'two')
  t.ok(events.every(event => event.type === 'loaded'))
})

t.test('closing stops watching, drops a pending reload and ignores a reload in flight', async t => {
  const { app, file, events } = await start(t, { 'auth.yaml': denyAll('one') }, { debounceMs: 50 })
  writeFileSync(file, denyAll('two'))
  app.configReloader.schedule()
  const inFlight = app.configReloader.reload()
  await app.close()
  await inFlight
  app.configReloader.schedule()
  writeFileSync(file, denyAll('three'))
  await new Promise(resolve => setTimeout(resolve, 120))
  t.same(events, [])
})
