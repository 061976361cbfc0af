// Several replicas on one PostgreSQL (issue 16): two real `auth-hooks serve` processes share the
// Standard Webhooks replay ids, so a call accepted by one and replayed to the other is refused.
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import pg from 'pg'
import { Webhook } from 'standardwebhooks'
import t from 'tap'
import { postgresUnavailableReason } from '../helpers/backends.js'
import { listeningPort, repoRoot, spawnLogged, writeConfig, type Run } from '../helpers.js'

t.setTimeout(300_000)

const skipped = postgresUnavailableReason()
if (skipped !== null) t.comment(skipped)

const secret = `whsec_${randomBytes(32).toString('base64')}`
const config = `
caller:
  standardWebhooks: { secrets: ['${secret}'] }
hooks:
  preSignup: { rules: [] }
`

interface Signed { headers: Record<string, string>, body: string }

function sign (): Signed {
  const body = JSON.stringify({ provider: 'username', data: { username: 'alice' } })
  const id = `msg_${randomBytes(8).toString('hex')}`
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), body)
  return { body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } }
}

async function send (port: number, signed: Signed): Promise<{ status: number, body: { message?: string } }> {
  const response = await fetch(`http://127.0.0.1:${port}/signup-hook`, { method: 'POST', headers: signed.headers, body: signed.body })
  return { status: response.status, body: await response.json() as { message?: string } }
}

t.test('two replicas on one PostgreSQL refuse each other\'s replays', { skip: skipped ?? false }, async t => {
  // A database of its own (the processes use the public schema of whatever DATABASE_URL names).
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  const database = `replicas_${randomBytes(4).toString('hex')}`
  await admin.query(`CREATE DATABASE ${database}`)
  const url = new URL(process.env.DATABASE_URL as string)
  url.pathname = `/${database}`
  const runs: Run[] = []
  const db = new pg.Client({ connectionString: url.toString() })
  t.teardown(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM')
        await once(run.child, 'exit')
      }
    }
    await db.end()
    await admin.query(`DROP DATABASE IF EXISTS ${database}`)
    await admin.end()
  })
  const file = await writeConfig(config)
  const serve = (): Run => {
    const run = spawnLogged(process.execPath, [...process.execArgv, `${repoRoot}src/cli.ts`, 'serve', file], { cwd: repoRoot, env: { DATABASE_URL: url.toString() } })
    runs.push(run)
    return run
  }
  const first = await listeningPort(serve())
  // An id that expired before the second replica starts: that start prunes it.
  await db.connect()
  await db.query('INSERT INTO replay_ids (id, expires_at) VALUES ($1, $2)', ['msg_expired', Date.now() - 1000])
  const second = await listeningPort(serve())
  t.equal((await db.query('SELECT id FROM replay_ids WHERE id = $1', ['msg_expired'])).rowCount, 0, 'expired ids pruned')

  const signed = sign()
  t.equal((await send(first, signed)).status, 200, 'accepted by the first')
  const replay = await send(second, signed)
  t.equal(replay.status, 401, 'the same bytes replayed to the second are refused')
  t.equal(replay.body.message, 'Caller not authenticated: webhook-id was already used')
  t.equal((await send(second, sign())).status, 200, 'a fresh signed call is accepted by the second')
  const ids = await db.query<{ id: string, expires_at: string }>('SELECT id, expires_at FROM replay_ids WHERE id = $1', [signed.headers['webhook-id']])
  t.equal(ids.rowCount, 1, 'one row per accepted id')
  t.equal(Number(ids.rows[0]?.expires_at), (Number(signed.headers['webhook-timestamp']) + 300) * 1000, 'kept until its timestamp leaves the 300 s window')

  for (const run of runs) {
    run.child.kill('SIGTERM')
    t.equal(await run.exit, 0)
  }
})
