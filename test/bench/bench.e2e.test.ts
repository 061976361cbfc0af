import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

const root = new URL('../../', import.meta.url).pathname
const run = promisify(execFile)

// The harness spawns servers and load generators. tap wraps every spawn to add its coverage and
// process tracking (NODE_OPTIONS, NODE_V8_COVERAGE), which would slow them and report dist/ files
// as uncovered source; `env -u` drops both before node starts. This test proves the harness works;
// it never asserts speed (CI machines are shared and noisy).
const untracked = ['env', '-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath]

t.test('npm run bench -- --quick measures every scenario and writes the JSON report', async t => {
  t.setTimeout(300_000)
  const [command, ...args] = untracked as [string, ...string[]]
  if (!existsSync(join(root, 'dist', 'cli.js'))) await run(command, [...args, join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root })
  const out = t.testdir()
  const { stdout } = await run(command, [...args, join(root, 'bench', 'bench.mjs'), '--quick', '--out', out], { cwd: root, maxBuffer: 1 << 22 })
  const [file] = await readdir(out)
  t.ok(file?.endsWith('.json'), 'one JSON report')
  const report = JSON.parse(await readFile(join(out, file as string), 'utf8'))

  const names = report.scenarios.map((scenario: { name: string }) => scenario.name)
  for (const name of ['frameworks', 'domains', 'rules', 'reload', 'registration', 'portal']) t.ok(names.includes(name), `${name} ran`)
  for (const name of ['signatures', 'open-loop', 'dialects']) t.ok(names.includes(name), `${name} ran`)

  for (const scenario of report.scenarios) {
    for (const server of scenario.servers) {
      t.ok(server.rps > 0, `${scenario.name}/${server.label} answered`)
      t.equal(server.errors, 0, `${scenario.name}/${server.label}: every answer was the expected 2xx, 3xx or 4xx`)
      t.ok(server.peakRssMB > 0 && server.startupMs > 0, `${scenario.name}/${server.label} has memory and startup figures`)
      t.ok(server.p99 >= server.p50, `${scenario.name}/${server.label} has latency figures`)
    }
    if (scenario.ratioOf !== undefined) t.ok(scenario.ratio > 0, `${scenario.name} has a ratio`)
  }
  const scenario = (name: string): any => report.scenarios.find((s: { name: string }) => s.name === name)

  const frameworks = scenario('frameworks')
  t.equal(frameworks.sameAnswers.sameStatus, frameworks.sameAnswers.bodies, 'the floor reference gives every body the status auth-hooks gives')
  t.same(frameworks.sameAnswers.differences, [], 'and the same JSON answer')
  t.ok(frameworks.ratios[0].rps > 0 && frameworks.ratios[0].cpu > 0, 'auth-hooks ÷ floor reference: req/s and CPU ratios')

  const openLoop = scenario('open-loop')
  const paced = openLoop.servers.filter((row: { fraction: number }) => row.fraction < 1)
  const pacedOf = (server: string): number[] => paced.filter((row: { server: string }) => row.server === server).map((row: { fraction: number }) => row.fraction)
  t.same(pacedOf('auth-hooks'), [0.25, 0.5, 0.75], 'three fixed rates')
  t.same(pacedOf('floor reference'), [0.25, 0.5, 0.75], 'the floor reference at the same rates')
  for (const row of paced) t.ok(row.rps > 0 && row.rps < openLoop.capacity, `${row.label}: paced below the measured capacity`)

  const dialects = scenario('dialects')
  t.same(dialects.ratios.map((ratio: { of: string[] }) => ratio.of[0]), ['supabase-before-user-created', 'kratos', 'okta-registration'], 'each dialect beside native')
  t.ok(dialects.ratios.every((ratio: { rps: number }) => ratio.rps > 0), 'dialect ÷ native ratios')

  const registration = scenario('registration')
  const sqlite = registration.servers.find((row: { label: string }) => row.label === 'SQLite')
  t.ok(sqlite.acknowledged > 0, 'registration writes were acknowledged')
  t.equal(sqlite.readBack, sqlite.acknowledged, 'every acknowledged write was read back from the SQLite file')
  t.equal(sqlite.lost, 0, 'no acknowledged write was lost')
  t.ok(registration.commitFloor.commitsPerSecond > 0, "the disk's commit ceiling is measured beside it")

  const portal = scenario('portal')
  t.same(portal.servers.map((row: { label: string }) => row.label), ['fake UserHub, direct (20 ms delay)', 'auth-hooks'], 'the provider alone, then through auth-hooks')
  for (const row of portal.servers) t.ok(row.p50 >= portal.delayMs, `${row.label}: every answer waited for the provider's delay`)
  t.equal(portal.servers[1].addedP99, Math.round((portal.servers[1].p99 - portal.delayMs) * 100) / 100, 'added = p99 minus the delay')

  t.equal(report.targets.length, 15, 'every target is reported')
  t.match(stdout, /auth-hooks ÷ bare Fastify req\/s: [\d.]+/)
  t.match(stdout, /x-auth-hooks-policy header (never changed|took \d+ values)/)
})

t.test('npm run bench -- --profile writes a CPU profile per server, showing where its time went', async t => {
  t.setTimeout(120_000)
  const [command, ...args] = untracked as [string, ...string[]]
  if (!existsSync(join(root, 'dist', 'cli.js'))) await run(command, [...args, join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root })
  const out = t.testdir()
  const { stdout } = await run(command, [...args, join(root, 'bench', 'bench.mjs'), '--quick', '--only', 'frameworks', '--profile', '--out', out], { cwd: root, maxBuffer: 1 << 22 })
  const report = JSON.parse(await readFile(join(out, (await readdir(out)).find(name => name.endsWith('.json')) as string), 'utf8'))
  t.match(stdout, `CPU profiles (one per server): ${report.profiles}`)
  t.same((await readdir(report.profiles)).sort(), ['frameworks-auth-hooks.cpuprofile', 'frameworks-bare-Fastify.cpuprofile', 'frameworks-bare-node-http.cpuprofile', 'frameworks-floor-reference.cpuprofile'])

  const scripts = async (name: string): Promise<string[]> => {
    const profile = JSON.parse(await readFile(join(report.profiles, name), 'utf8')) as { nodes: Array<{ callFrame: { url: string } }> }
    return profile.nodes.map(node => node.callFrame.url)
  }
  const dist = pathToFileURL(join(root, 'dist')).href + '/'
  t.ok((await scripts('frameworks-auth-hooks.cpuprofile')).includes(`${dist}hooks/routes.js`), "the auth-hooks profile has samples in the hook route's handler")
  t.notOk((await scripts('frameworks-bare-Fastify.cpuprofile')).some(url => url.startsWith(dist)), 'bare Fastify runs none of auth-hooks')
})
