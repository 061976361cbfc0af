#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only rules,domains] [-- --duration 10 --rounds 3 --out DIR] [-- --profile]`
// Each server runs in its own process on loopback; the load comes from bench/load.mjs in another.
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual, parseArgs, promisify } from 'node:util'
import { listPath, newWebhookSecret, writeConfig, writeDomainList } from './policy.mjs'
import { traffic } from './traffic.mjs'
import { openLoop, portal, registration, startPostgres, stopPostgres } from './user-facing.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench', 'results') }
  }
})
const quick = args.quick
const settings = {
  connections: Number(args.connections),
  duration: Number(args.duration ?? (quick ? 0.5 : 10)),
  warmup: Number(args.warmup ?? (quick ? 0.3 : 3)),
  rounds: Number(args.rounds ?? (quick ? 1 : 3))
}
// Quick mode only proves the harness works: smaller lists, fewer rules, sub-second runs.
const DOMAINS = quick ? [10, 1_000, 10_000] : [10, 100_000, 1_000_000]
const RULES = quick ? [5, 50, 100] : [5, 50, 500]
const [, DEFAULT_DOMAINS] = DOMAINS
const startedAt = new Date().toISOString()
// --profile: each server's V8 CPU profile (one .cpuprofile per server) goes here.
const profileDir = args.profile ? join(args.out, `profiles-${startedAt.replace(/[:.]/g, '-')}`) : undefined
const secret = newWebhookSecret()

const authHooks = (label, extra = {}) => ({ label, kind: 'auth-hooks', rules: 50, domains: DEFAULT_DOMAINS, ...extra })

// Each dialect scenario pairs a calling system's format with the native one on the same policy
// and the same caller check, so the ratio is what the dialect itself costs.
const BASIC = { user: 'kratos', password: 'bench-basic-password-0123456789' }
const BEARER = 'bench-bearer-secret-0123456789abcdef'
const DIALECT_CALLERS = {
  signed: { config: { standardWebhooks: { secrets: [secret], toleranceSeconds: 300 } }, client: { secret } },
  basic: { config: { basic: { user: BASIC.user, passwords: [BASIC.password] } }, client: { basic: BASIC } },
  bearer: { config: { bearer: { secrets: [BEARER] } }, client: { bearer: BEARER } }
}
function dialectServer (label, system, callerName, dialect, noRoles = false) {
  const caller = DIALECT_CALLERS[callerName]
  return authHooks(label, { caller: caller.config, dialect, noRoles, traffic: { kind: 'dialect', system, domains: DEFAULT_DOMAINS, caller: caller.client } })
}

/**
 * The scenarios, as data: servers in a group run alternated (ABCABC…) so drift hits them alike.
 * A server is a kind (auth-hooks, floor, fastify, http) with its config options; what the client
 * sends is `traffic` (bench/traffic.mjs; the hook mix by default). `ratio` is the headline pair,
 * `compare` more pairs (req/s and CPU µs/request). Scenarios with `run` drive their own servers
 * and clients (bench/user-facing.mjs). A hook dialect is one entry here, e.g.
 * `{ name: 'dialect-x', servers: [authHooks('native'), authHooks('x', { sections: …, traffic: { kind: 'x' } })], ratio: ['x', 'native'] }`.
 */
const SCENARIOS = [
  {
    name: 'frameworks',
    title: 'auth-hooks (50 rules/hook, 5 regex, allow list, roles) vs the floor reference (same policy, least code) and the framework and platform ceilings',
    servers: [authHooks('auth-hooks'), authHooks('floor reference', { kind: 'floor' }), { label: 'bare Fastify', kind: 'fastify' }, { label: 'bare node:http', kind: 'http' }],
    ratio: ['auth-hooks', 'bare Fastify'],
    compare: [['auth-hooks', 'floor reference']],
    sameAnswers: ['auth-hooks', 'floor reference']
  },
  {
    name: 'domains',
    title: 'allow-list size (50 rules/hook)',
    servers: DOMAINS.map(count => authHooks(`${count} domains`, { domains: count })),
    ratio: [`${DOMAINS[2]} domains`, `${DOMAINS[0]} domains`]
  },
  {
    name: 'rules',
    title: `rules per hook (${DEFAULT_DOMAINS}-domain allow list)`,
    servers: RULES.map(count => authHooks(`${count} rules`, { rules: count })),
    ratio: [`${RULES[2]} rules`, `${RULES[0]} rules`]
  },
  {
    name: 'signatures',
    title: 'caller signatures (Standard Webhooks, signed per request)',
    servers: [authHooks('no caller check'), authHooks('standardWebhooks', { signed: true })],
    ratio: ['standardWebhooks', 'no caller check']
  },
  {
    name: 'replay-store',
    title: 'where accepted webhook-ids are kept, signed per request: this process\'s memory (SQLite or no store) vs the PostgreSQL table every replica shares (one insert per call)',
    // PostgreSQL only in full runs, as registration: a throwaway cluster takes seconds to start.
    servers: [authHooks('memory', { signed: true, env: { DATABASE_URL: '' } })],
    run: replayStore
  },
  {
    name: 'dialects',
    title: 'each calling system\'s wire format against the native one, same policy (50 rules/hook) and same caller check: Supabase signed (Standard Webhooks), Kratos with basic auth, Okta with a bearer secret',
    servers: [
      dialectServer('native, signed', 'native', 'signed', undefined, true),
      dialectServer('supabase-before-user-created', 'supabase', 'signed', 'supabase-before-user-created', true),
      dialectServer('native, basic auth', 'native', 'basic'),
      dialectServer('kratos', 'kratos', 'basic', 'kratos'),
      dialectServer('native, bearer', 'native', 'bearer'),
      dialectServer('okta-registration', 'okta', 'bearer', 'okta-registration')
    ],
    compare: [['supabase-before-user-created', 'native, signed'], ['kratos', 'native, basic auth'], ['okta-registration', 'native, bearer']]
  },
  {
    name: 'reload',
    title: 'config rewritten every 200 ms under load (two valid versions, alternating)',
    servers: [authHooks('auth-hooks reloading', { reloadEveryMs: 200 })]
  },
  {
    name: 'open-loop',
    title: 'caller signatures on, requests at fixed rates: 25, 50 and 75 % of auth-hooks\' closed-loop capacity measured first in the same run; the floor reference (no caller check) at the same rates',
    servers: [authHooks('auth-hooks', { signed: true }), authHooks('floor reference', { kind: 'floor' })],
    fractions: [0.25, 0.5, 0.75],
    run: openLoop
  },
  {
    name: 'registration',
    title: 'registration callbacks (POST /users/me, JWT users, one new user per write) from 50 concurrent users; acknowledged = committed',
    users: 50,
    // PostgreSQL only in full runs: a throwaway cluster takes seconds to start.
    stores: quick ? ['sqlite'] : ['sqlite', 'postgres'],
    run: registration
  },
  {
    name: 'portal',
    title: 'signed-in users → UserHub one-time URL through a fake provider answering after 20 ms, 100 concurrent users',
    users: 100,
    delayMs: 20,
    run: portal
  }
]

const compared = (s, a, b) => s.ratios.find(r => r.of[0] === a && r.of[1] === b)
const row = (s, label) => s.servers.find(server => server.label === label)
const TARGETS = [
  { text: 'auth-hooks ≥ 0.95 × floor reference req/s', scenario: 'frameworks', value: s => compared(s, 'auth-hooks', 'floor reference').rps, ok: v => v >= 0.95 },
  { text: 'auth-hooks CPU µs/request ≤ 1.1 × floor reference', scenario: 'frameworks', value: s => compared(s, 'auth-hooks', 'floor reference').cpu, ok: v => v <= 1.1 },
  { text: 'floor reference gives every benchmark body the status auth-hooks gives', scenario: 'frameworks', value: s => `${s.sameAnswers.sameStatus}/${s.sameAnswers.bodies}`, ok: v => v.split('/')[0] === v.split('/')[1] },
  { text: 'open loop at 50 % of capacity, signatures on: p99 ≤ 2 ms', scenario: 'open-loop', value: s => s.servers.find(server => server.server === 'auth-hooks' && server.fraction === 0.5).p99, ok: v => v <= 2 },
  { text: 'registration on SQLite ≥ 2,000 acknowledged writes/s', scenario: 'registration', value: s => row(s, 'SQLite').rps, ok: v => v >= 2000 },
  { text: 'registration: every acknowledged write read back (lost writes, all stores)', scenario: 'registration', value: s => s.servers.reduce((sum, server) => sum + server.lost, 0), ok: v => v === 0 },
  { text: 'portal: auth-hooks adds ≤ 1 ms at p99 to the provider\'s delay, 100 users', scenario: 'portal', value: s => row(s, 'auth-hooks').addedP99, ok: v => v <= 1 },
  ...[['supabase-before-user-created', 'native, signed'], ['kratos', 'native, basic auth'], ['okta-registration', 'native, bearer']].map(([dialect, native]) => (
    { text: `${dialect} ≥ 0.9 × native req/s (same policy and caller check)`, scenario: 'dialects', value: s => compared(s, dialect, native).rps, ok: v => v >= 0.9 }
  )),
  { text: 'largest allow list ≥ 0.95 × smallest req/s', scenario: 'domains', value: s => s.ratio, ok: v => v >= 0.95 },
  { text: 'largest allow list starts (spawn → ready) < 2 s', scenario: 'domains', value: s => s.servers[2].startupMs, ok: v => v < 2000 },
  { text: 'largest allow list RSS after load < 250 MB', scenario: 'domains', value: s => s.servers[2].rssMB, ok: v => v < 250 },
  { text: 'most rules ≥ 0.7 × fewest rules req/s', scenario: 'rules', value: s => s.ratio, ok: v => v >= 0.7 },
  { text: '0 failed answers during reload under load', scenario: 'reload', value: s => s.servers[0].errors, ok: v => v === 0 }
]

function freePort () {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function memory (pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = name => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN)
  return { peakRssMB: Math.round(kb('VmHWM') / 1024), rssMB: Math.round(kb('VmRSS') / 1024) }
}

// utime + stime of the whole process (all threads), in clock ticks (getconf CLK_TCK: 100 on Linux).
async function cpuTicks (pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** Until /readyz answers 200 (`anyAnswer`: until the port answers at all, for the fake provider). */
async function waitUntilReady (url, child, stderr, anyAnswer = false) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr.join('')}`)
    try {
      const response = await fetch(url)
      if (response.ok || anyAnswer) return
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

/** Writes the server's files, spawns it and times spawn → /readyz answering 200. */
async function startServer (server, dir, profileName) {
  const port = await freePort()
  let argv
  const env = { ...server.env }
  if (server.kind === 'auth-hooks' || server.kind === 'floor') {
    server.configFile = join(dir, `${server.kind}-${server.label.replace(/\W+/g, '-')}.yaml`)
    const caller = server.caller ?? (server.signed ? { standardWebhooks: { secrets: [secret], toleranceSeconds: 300 } } : { none: true })
    server.configOptions = { rules: server.rules, listFile: listPath(dir, server.domains), caller, sections: server.sections, dialect: server.dialect, noRoles: server.noRoles }
    await writeConfig(server.configFile, server.configOptions)
    if (server.kind === 'floor') env.FLOOR_CONFIG = server.configFile
    argv = server.kind === 'floor' ? [join(ROOT, 'bench', 'servers', 'floor.mjs')] : [join(ROOT, 'dist', 'cli.js'), 'serve', '--config', server.configFile]
  } else {
    argv = [join(ROOT, 'bench', 'servers', server.kind === 'fake-provider' ? 'fake-provider.mjs' : `bare-${server.kind}.mjs`)]
  }
  // Every server exits on SIGTERM, so V8 writes the profile when the scenario stops it.
  const profiling = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${profileName}.cpuprofile`]
  const started = performance.now()
  // Logs go to /dev/null: writing them is part of the cost, reading them is not.
  const child = spawn(process.execPath, [...profiling, ...argv], { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'pipe'] })
  const stderr = []
  child.stderr.on('data', chunk => stderr.push(chunk))
  await waitUntilReady(`http://127.0.0.1:${port}/readyz`, child, stderr, server.kind === 'fake-provider')
  return { child, url: `http://127.0.0.1:${port}`, startupMs: Math.round(performance.now() - started) }
}

const execFileAsync = promisify(execFile)

/** The signed server with its ids in memory, then (full runs) the same with them in a throwaway PostgreSQL. */
async function replayStore (scenario, h) {
  if (quick) return { ...await runScenario(scenario, h.dir), notes: ['PostgreSQL: skipped in quick mode (full runs start a throwaway cluster)'] }
  const pg = await startPostgres(ROOT)
  if (pg.skipped !== undefined) return { ...await runScenario(scenario, h.dir), notes: [`PostgreSQL: skipped (${pg.skipped})`] }
  try {
    const postgres = authHooks('PostgreSQL', { signed: true, env: { DATABASE_URL: pg.url } })
    return await runScenario({ ...scenario, servers: [...scenario.servers, postgres], ratio: ['PostgreSQL', 'memory'], compare: [['PostgreSQL', 'memory']] }, h.dir)
  } finally {
    await stopPostgres(ROOT, pg)
  }
}

/** What a server's clients send: its own `traffic`, or the hook mix (the ceilings answer 200 to all of it). */
function trafficOf (server) {
  if (server.traffic !== undefined) return server.traffic
  const ceiling = server.kind === 'fastify' || server.kind === 'http'
  return { kind: 'hooks', domains: server.domains ?? 10, anyStatus: ceiling, ...(server.signed ? { secret } : {}) }
}

async function load (server, running, warmup) {
  const job = { url: running.url, connections: settings.connections, warmup, duration: settings.duration, traffic: trafficOf(server) }
  const { stdout } = await execFileAsync(process.execPath, [join(ROOT, 'bench', 'load.mjs'), JSON.stringify(job)], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout)
}

/** bench/paced.mjs (open loop at `rate`, or `users` in a closed loop), with the server's CPU per request. */
async function paced (running, job) {
  const before = await cpuTicks(running.child.pid)
  const { stdout } = await execFileAsync(process.execPath, [join(ROOT, 'bench', 'paced.mjs'), JSON.stringify({ url: running.url, ...job })], { maxBuffer: 1 << 20 })
  const result = JSON.parse(stdout)
  const ticks = await cpuTicks(running.child.pid) - before
  const share = job.duration / (job.duration + (job.warmup ?? 0))
  return { ...result, cpuUsPerRequest: Math.round(ticks * 10_000 * share / result.requests) }
}

/** Sends every body of the hook mix once to two servers and compares the answers (status and JSON). */
async function sameAnswers (servers, running) {
  const requests = traffic(trafficOf(servers[0])).requests
  const differences = []
  let sameStatus = 0
  let sameBody = 0
  for (const request of requests) {
    const answers = await Promise.all(running.map(async ({ url }) => {
      const response = await fetch(url + request.path, { method: 'POST', headers: request.headers, body: request.body })
      return { status: response.status, body: await response.json() }
    }))
    const [a, b] = answers
    if (a.status === b.status) sameStatus++
    if (isDeepStrictEqual(a.body, b.body)) sameBody++
    else differences.push({ request: request.body, answers })
  }
  return { of: servers.map(server => server.label), bodies: requests.length, sameStatus, sameBody, differences }
}

/** Rewrites the config in place every `ms`, alternating two valid versions, until stopped. */
function keepRewriting (server, ms) {
  let variant = 0
  const timer = setInterval(() => {
    variant = 1 - variant
    writeConfig(server.configFile, { ...server.configOptions, variant }).catch(error => console.error(error))
  }, ms)
  return () => clearInterval(timer)
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** One load run against one server (with its warm-up, and config rewrites when it reloads). */
async function measure (server, running, warmup) {
  const stop = server.reloadEveryMs === undefined ? () => {} : keepRewriting(server, server.reloadEveryMs)
  try {
    const before = await cpuTicks(running.child.pid)
    const result = await load(server, running, warmup)
    // CPU per request holds up on a busy machine where req/s does not. A tick is 10 ms (10,000 µs);
    // the warm-up's share of the ticks is left out.
    const ticks = await cpuTicks(running.child.pid) - before
    const share = settings.duration / (settings.duration + warmup)
    return { ...result, cpuUsPerRequest: Math.round(ticks * 10_000 * share / result.requests) }
  } finally {
    stop()
  }
}

async function runScenario (scenario, dir) {
  const running = []
  try {
    if (quick) {
      // Quick mode starts a scenario's servers together: its start-up figures are not the point.
      const started = await Promise.allSettled(scenario.servers.map(server => startServer(server, dir, profileName(scenario, server))))
      running.push(...started.filter(outcome => outcome.status === 'fulfilled').map(outcome => outcome.value))
      const failed = started.find(outcome => outcome.status === 'rejected')
      if (failed !== undefined) throw failed.reason
    } else {
      // One at a time, so each start-up time is its own.
      for (const server of scenario.servers) running.push(await startServer(server, dir, profileName(scenario, server)))
    }
    const checked = scenario.sameAnswers === undefined
      ? undefined
      : await sameAnswers(scenario.sameAnswers.map(label => scenario.servers.find(server => server.label === label)), scenario.sameAnswers.map(label => running[scenario.servers.findIndex(server => server.label === label)]))
    const rounds = scenario.servers.map(() => [])
    for (let round = 0; round < settings.rounds; round++) {
      for (const [i, server] of scenario.servers.entries()) {
        rounds[i].push(await measure(server, running[i], round === 0 ? settings.warmup : 0))
      }
    }
    const servers = await Promise.all(scenario.servers.map(async (server, i) => {
      const runs = rounds[i]
      const pick = key => median(runs.map(run => run[key]))
      return {
        label: server.label,
        rps: Math.round(pick('rps')),
        p50: pick('p50'),
        p99: pick('p99'),
        p999: pick('p999'),
        cpuUsPerRequest: pick('cpuUsPerRequest'),
        errors: runs.reduce((sum, run) => sum + run.errors, 0),
        startupMs: running[i].startupMs,
        ...(await memory(running[i].child.pid)),
        policies: [...new Set(runs.flatMap(run => run.policies))].length,
        rounds: runs
      }
    }))
    const byLabel = label => servers.find(server => server.label === label)
    const ratioOf = (key, [a, b]) => Math.round(byLabel(a)[key] / byLabel(b)[key] * 1000) / 1000
    const ratio = scenario.ratio === undefined ? undefined : ratioOf('rps', scenario.ratio)
    const ratios = (scenario.compare ?? []).map(pair => ({ of: pair, rps: ratioOf('rps', pair), cpu: ratioOf('cpuUsPerRequest', pair) }))
    return { name: scenario.name, title: scenario.title, servers, ratioOf: scenario.ratio, ratio, ratios, ...(checked === undefined ? {} : { sameAnswers: checked }) }
  } finally {
    // Wait for the exits: a server still closing would load the next scenario's machine (and its
    // profile would not be written yet).
    await Promise.all(running.map(({ child }) => stopServer(child)))
  }
}

async function stopServer (child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

const profileName = (scenario, server) => `${scenario.name}-${server.label.replace(/\W+/g, '-')}`

function printScenario (result) {
  console.log(`\n## ${result.name}: ${result.title}`)
  console.table(Object.fromEntries(result.servers.map(server => [server.label, {
    'req/s': server.rps,
    'p50 ms': server.p50,
    'p99 ms': server.p99,
    'p99.9 ms': server.p999,
    'CPU µs/req': server.cpuUsPerRequest,
    'peak RSS MB': server.peakRssMB,
    'RSS after MB': server.rssMB,
    'startup ms': server.startupMs,
    errors: server.errors
  }])))
  if (result.ratio !== undefined) console.log(`${result.ratioOf.join(' ÷ ')} req/s: ${result.ratio}`)
  for (const { of, rps, cpu } of result.ratios ?? []) console.log(`${of.join(' ÷ ')}: req/s ${rps}, CPU µs/request ${cpu}`)
  if (result.sameAnswers !== undefined) {
    const { bodies, sameStatus, sameBody } = result.sameAnswers
    console.log(`${result.sameAnswers.of.join(' and ')} answered ${bodies} bodies: ${sameStatus} with the same status, ${sameBody} with the same JSON body`)
  }
  for (const line of result.notes ?? []) console.log(line)
  if (result.name === 'reload') {
    const seen = result.servers[0].policies
    console.log(seen > 1
      ? `the x-auth-hooks-policy header took ${seen} values: rewrites were picked up under load`
      : 'the x-auth-hooks-policy header never changed: this build does not watch its config, so this measured no-op rewrites')
  }
}

/** What a scenario with its own `run` (bench/user-facing.mjs) gets from the harness. */
const context = dir => ({ dir, root: ROOT, quick, settings, secret, startServer, stopServer, measure, paced, memory, profileName })

async function main () {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first')
  const selected = SCENARIOS.filter(s => args.only === undefined || args.only.split(',').includes(s.name))
  const dir = await mkdtemp(join(tmpdir(), 'auth-hooks-bench-'))
  const report = {
    date: startedAt,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgBefore: loadavg() },
    settings: { ...settings, quick },
    profiles: profileDir,
    scenarios: [],
    // Kept so result files compare with older runs, which could skip scenarios a build lacked.
    skipped: [],
    targets: []
  }
  try {
    // The user-facing scenarios' servers carry a small hook policy with the 10-domain list.
    for (const count of new Set([10, ...selected.flatMap(s => (s.servers ?? []).map(server => server.domains)).filter(Boolean)])) {
      await writeDomainList(listPath(dir, count), count)
    }
    for (const scenario of selected) {
      const result = scenario.run === undefined ? await runScenario(scenario, dir) : await scenario.run(scenario, context(dir))
      printScenario(result)
      report.scenarios.push(result)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  console.log(`\n## targets${quick ? ' (quick mode: smaller sizes and sub-second runs, so these are not the real figures)' : ''}`)
  for (const target of TARGETS) {
    const scenario = report.scenarios.find(s => s.name === target.scenario)
    if (scenario === undefined) continue
    const value = target.value(scenario)
    report.targets.push({ target: target.text, value, met: target.ok(value) })
    console.log(`${target.ok(value) ? 'met ' : 'MISS'}  ${target.text}: ${value}`)
  }
  report.machine.loadavgAfter = loadavg()
  await mkdir(args.out, { recursive: true })
  const file = join(args.out, `bench-${startedAt.replace(/[:.]/g, '-')}.json`)
  await writeFile(file, JSON.stringify(report, null, 2) + '\n')
  console.log(`\nwrote ${file}`)
  if (profileDir !== undefined) {
    console.log(`CPU profiles (one per server): ${profileDir}; open one in Chrome DevTools' Performance panel or speedscope for a flame graph.`)
    console.log('The profiler slows every server, so a profiled run\'s figures are not comparable with an unprofiled one.')
  }
}

await main()
