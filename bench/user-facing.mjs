// The scenarios that measure what a user of auth-hooks waits for, each against what it is compared
// with in the same run: latency at fixed request rates, durable registration writes, and the time
// a portal redirect adds to the provider's own delay. Each is a `run(scenario, harness)` in
// bench.mjs's SCENARIOS; `harness` is its context() (server start/stop, both load clients).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const round = value => Math.round(value * 100) / 100

/** A JWT identity section the clients can sign for (bench/traffic.mjs jwt()). */
function jwtIdentity () {
  const identity = { secret: randomBytes(32).toString('hex'), issuer: 'https://bench.invalid/', audience: 'auth-hooks-bench' }
  const section = { jwt: { secret: identity.secret, issuer: identity.issuer, audience: identity.audience }, signInUrl: 'http://127.0.0.1/sign-in' }
  return { identity, section }
}

/** A small hook policy: these scenarios measure other routes, but a config needs a hook. */
const service = (label, extra) => ({ label, kind: 'auth-hooks', rules: 5, domains: 10, ...extra })

async function withServer (h, scenario, server, use) {
  const running = await h.startServer(server, h.dir, h.profileName(scenario, server))
  try {
    return await use(running)
  } finally {
    await h.stopServer(running.child)
  }
}

// Quick mode only proves these scenarios work: no warm-up, and shorter paced phases.
const warmupOf = h => h.quick ? 0 : h.settings.warmup
const durationOf = h => h.quick ? Math.min(h.settings.duration, 0.25) : h.settings.duration

const figures = ({ rps, p50, p99, p999, errors, cpuUsPerRequest }) => ({ rps: Math.round(rps), p50, p99, p999, cpuUsPerRequest, errors })

/**
 * Open loop: auth-hooks' closed-loop capacity first (autocannon, the usual connections), then the
 * paced client at each fraction of it, on the same server process; then the floor reference at
 * the same rates, so the figures say what the platform allows on this machine. Users arrive at a
 * rate; they do not wait for each other, so this is the latency one of them sees at that load.
 */
export async function openLoop (scenario, h) {
  const [server, ...references] = scenario.servers
  const rows = []
  const rates = []
  const lags = []
  let capacity
  for (const measured of [server, ...references]) {
    await withServer(h, scenario, measured, async running => {
      if (capacity === undefined) {
        capacity = await h.measure(measured, running, h.settings.warmup)
        rows.push({ label: `${measured.label}: closed loop, ${h.settings.connections} connections`, server: measured.label, fraction: 1, ...figures(capacity), startupMs: running.startupMs, ...await h.memory(running.child.pid) })
        rates.push(...scenario.fractions.map(fraction => ({ fraction, rate: Math.max(1, Math.round(capacity.rps * fraction)) })))
      }
      const memory = await h.memory(running.child.pid)
      for (const { fraction, rate } of rates) {
        const result = await h.paced(running, { rate, duration: durationOf(h), warmup: h.quick ? 0 : 1, traffic: { kind: 'hooks', domains: server.domains, secret: h.secret } })
        lags.push(result.lagP99)
        rows.push({ label: `${measured.label}: ${fraction * 100} % (${rate} req/s)`, server: measured.label, fraction, ...figures(result), dropped: result.dropped, lagP99: result.lagP99, startupMs: running.startupMs, ...memory })
      }
    })
  }
  return {
    name: scenario.name,
    title: scenario.title,
    capacity: Math.round(capacity.rps),
    servers: rows,
    notes: [`capacity (auth-hooks, closed loop): ${Math.round(capacity.rps)} req/s; the paced client sent late by at most ${Math.max(...lags)} ms at p99 (large values: the client, not the server, fell behind)`]
  }
}

/** A throwaway PostgreSQL cluster (scripts/test-postgres.sh), or the reason there is none. */
export async function startPostgres (root) {
  try {
    const { stdout } = await execFileAsync(join(root, 'scripts', 'test-postgres.sh'), ['start'])
    const vars = Object.fromEntries([...stdout.matchAll(/(\w+)=(\S+)/g)].map(match => [match[1], match[2]]))
    return { url: vars.DATABASE_URL, dir: vars.AUTH_HOOKS_PG_DIR }
  } catch (error) {
    return { skipped: (error.stderr || error.message).trim() }
  }
}

export async function stopPostgres (root, pg) {
  await execFileAsync(join(root, 'scripts', 'test-postgres.sh'), ['stop', pg.dir])
}

/** Every row of the profiles table, user id → the stored profile. */
async function storedProfiles (store, file, url) {
  if (store === 'sqlite') {
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(file, { readonly: true })
    try {
      return new Map(db.prepare('SELECT user_id, data FROM profiles').all().map(r => [r.user_id, JSON.parse(r.data)]))
    } finally {
      db.close()
    }
  }
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query('SELECT user_id, data FROM profiles')
    return new Map(rows.map(r => [r.user_id, typeof r.data === 'string' ? JSON.parse(r.data) : r.data]))
  } finally {
    await client.end()
  }
}

async function registrationOn (store, pg, scenario, h) {
  const { identity, section } = jwtIdentity()
  const runId = randomBytes(4).toString('hex')
  const file = join(h.dir, `registration-${runId}.db`)
  const ackFile = join(h.dir, `registration-${runId}.acks`)
  const label = store === 'sqlite' ? 'SQLite' : 'PostgreSQL'
  const server = service(label, {
    sections: {
      identity: section,
      profiles: { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 100 }, company: { type: 'string', maxLength: 100 } } } },
      store: { sqlitePath: file }
    },
    // An empty DATABASE_URL keeps SQLite even when the shell running the bench has one set.
    env: { DATABASE_URL: store === 'sqlite' ? '' : pg.url },
    traffic: { kind: 'profiles', identity, runId }
  })
  const { result, memory, startupMs } = await withServer(h, scenario, server, async running => ({
    result: await h.paced(running, { users: scenario.users, duration: durationOf(h), warmup: warmupOf(h), traffic: server.traffic, ackFile }),
    memory: await h.memory(running.child.pid),
    startupMs: running.startupMs
  }))
  // Read back after the server has exited: what is in the database is what was made durable.
  const acks = (await readFile(ackFile, 'utf8')).split('\n').filter(Boolean).map(line => JSON.parse(line))
  const stored = await storedProfiles(store, file, pg?.url)
  const lost = acks.filter(ack => stored.get(ack.userId)?.company !== ack.company).length
  return { label, ...figures(result), acknowledged: acks.length, readBack: acks.length - lost, lost, startupMs, ...memory }
}

/**
 * What the disk allows: better-sqlite3 alone, with the store's pragmas (WAL, synchronous=FULL),
 * committing one row per transaction for `seconds` in the same folder. Each commit waits for an
 * fsync, so this is the ceiling of one-write-one-commit on this machine.
 */
async function sqliteCommitFloor (dir, seconds) {
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(join(dir, 'commit-floor.db'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.exec('CREATE TABLE rows (id TEXT PRIMARY KEY, data TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO rows (id, data) VALUES (?, ?)')
    const started = performance.now()
    let commits = 0
    while (performance.now() - started < seconds * 1000 && commits < 100_000) insert.run(`row-${commits++}`, '{"name":"x"}')
    const ms = (performance.now() - started) / commits
    return { commitsPerSecond: Math.round(1000 / ms), msPerCommit: round(ms) }
  } finally {
    db.close()
  }
}

/**
 * Registration callbacks: `users` signed-in users each POSTing a new profile as soon as the last
 * was acknowledged (a new user id per write, so every write leaves its own row), then every
 * acknowledged write is looked up in the database.
 */
export async function registration (scenario, h) {
  const rows = []
  const notes = []
  for (const store of scenario.stores) {
    const pg = store === 'postgres' ? await startPostgres(h.root) : undefined
    if (pg?.skipped !== undefined) {
      notes.push(`PostgreSQL: skipped (${pg.skipped})`)
      continue
    }
    try {
      rows.push(await registrationOn(store, pg, scenario, h))
    } finally {
      if (pg !== undefined) await stopPostgres(h.root, pg)
    }
  }
  const commitFloor = scenario.stores.includes('sqlite') ? await sqliteCommitFloor(h.dir, h.quick ? 0.2 : 2) : undefined
  if (commitFloor !== undefined) notes.push(`the disk's ceiling, measured right after: better-sqlite3 alone commits ${commitFloor.commitsPerSecond} one-row transactions/s (${commitFloor.msPerCommit} ms each) with the same pragmas`)
  for (const r of rows) notes.push(`${r.label}: ${r.acknowledged} writes acknowledged (warm-up included), ${r.readBack} read back from the database, ${r.lost} lost`)
  return { name: scenario.name, title: scenario.title, servers: rows, commitFloor, notes }
}

/**
 * Portal redirect: the fake UserHub answering after `delayMs`, called directly with auth-hooks'
 * own request (the floor: delay plus the fake's and the client's own cost), and through
 * auth-hooks (JWT bearer → create the portal session → 302). `addedP99` is p99 minus the delay.
 */
export async function portal (scenario, h) {
  const adminKey = `uh_${randomBytes(12).toString('hex')}`
  const connectionId = 'conn_bench'
  const fakeServer = {
    label: `fake UserHub, direct (${scenario.delayMs} ms delay)`,
    kind: 'fake-provider',
    env: { FAKE_DELAY_MS: String(scenario.delayMs), FAKE_USERHUB_KEY: adminKey, FAKE_CONNECTION_ID: connectionId }
  }
  return withServer(h, scenario, fakeServer, async fake => {
    const { identity, section } = jwtIdentity()
    const server = service('auth-hooks', {
      sections: {
        identity: section,
        portals: { team: { path: '/portal/team', provider: 'userhub', userhub: { adminKey, connectionId, returnUrl: 'http://127.0.0.1/', apiBaseUrl: fake.url } } }
      }
    })
    return withServer(h, scenario, server, async running => {
      const job = { users: scenario.users, duration: durationOf(h), warmup: 0 }
      const direct = []
      const via = []
      for (let round = 0; round < h.settings.rounds; round++) {
        const warmup = round === 0 ? warmupOf(h) : 0
        direct.push(await h.paced(fake, { ...job, warmup, traffic: { kind: 'provider', adminKey, connectionId, apiVersion: '2025-05-01', users: scenario.users } }))
        via.push(await h.paced(running, { ...job, warmup, traffic: { kind: 'portal', identity, path: '/portal/team', users: scenario.users, expectLocation: `${fake.url}/portal/userhub/` } }))
      }
      const summary = async (label, runs, target) => {
        const pick = key => median(runs.map(run => run[key]))
        const row = figures({ rps: pick('rps'), p50: pick('p50'), p99: pick('p99'), p999: pick('p999'), cpuUsPerRequest: pick('cpuUsPerRequest'), errors: runs.reduce((sum, run) => sum + run.errors, 0) })
        return { label, ...row, addedP50: round(row.p50 - scenario.delayMs), addedP99: round(row.p99 - scenario.delayMs), startupMs: target.startupMs, ...(await h.memory(target.child.pid)), rounds: runs }
      }
      const rows = [await summary(fakeServer.label, direct, fake), await summary('auth-hooks', via, running)]
      return {
        name: scenario.name,
        title: scenario.title,
        delayMs: scenario.delayMs,
        servers: rows,
        notes: rows.map(r => `${r.label}: ${r.addedP50} ms at p50 and ${r.addedP99} ms at p99 on top of the ${scenario.delayMs} ms delay`)
      }
    })
  })
}
