// Where accepted webhook-ids are kept: PostgreSQL when DATABASE_URL selects it (every replica
// refuses a replay another accepted), memory otherwise. Through app.inject on the real app.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Webhook } from 'standardwebhooks'
import t from 'tap'
import { ReplayCache } from '../../src/hooks/replay-cache.js'
import { REPLAY_CHECK_TIMEOUT_MS, StoreReplayIds } from '../../src/hooks/replay-store.js'
import type { StoreOptions } from '../../src/store/index.js'
import { backends } from '../helpers/backends.js'
import { appFromText, LogCapture, signupHook } from '../helpers/apps.js'

const secret = `whsec_${randomBytes(32).toString('base64')}`
const signedConfig = signupHook(`  standardWebhooks:\n    secrets: ['${secret}']`)
const profilesSection = `
identity:
  jwt: { secret: "0123456789abcdef0123456789abcdef", issuer: https://app.example.com/, audience: app }
  signInUrl: https://app.example.com/sign-in
profiles:
  schema: { type: object, properties: { name: { type: string } } }
`

interface Signed { headers: Record<string, string>, payload: string }

function sign (body: unknown = { provider: 'username', data: { username: 'alice' } }): Signed {
  const payload = JSON.stringify(body)
  const id = `msg_${randomBytes(8).toString('hex')}`
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), payload)
  return { payload, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } }
}

async function post (app: FastifyInstance, signed: Signed): Promise<{ status: number, body: { code?: string, message?: string } }> {
  const res = await app.inject({ method: 'POST', url: '/signup-hook', headers: signed.headers, payload: signed.payload })
  return { status: res.statusCode, body: res.json() }
}

const metricsText = async (app: FastifyInstance): Promise<string> => (await app.inject({ method: 'GET', url: '/metrics' })).body

t.test('without PostgreSQL the ids stay in memory and no store is opened for them', async t => {
  const app = await appFromText(signedConfig, { store: {} })
  t.teardown(() => app.close())
  t.ok(app.replayStore instanceof ReplayCache)
  t.notOk(app.hasDecorator('store'), 'signatures alone open no SQLite file')
  const signed = sign()
  t.equal((await post(app, signed)).status, 200)
  t.equal((await post(app, signed)).status, 401)
})

t.test('SQLite (one host) keeps memory even when the store is open', async t => {
  const app = await appFromText(signedConfig + profilesSection, { store: { sqlitePath: ':memory:' } })
  t.teardown(() => app.close())
  t.equal(app.store.backend, 'sqlite')
  t.equal(app.replayStore.kind, 'memory')
})

const { list, skipped } = backends()
const postgres = list.find(backend => backend.name === 'postgres')
if (skipped !== null) t.comment(skipped)

t.test('PostgreSQL: replay ids shared by every app on the database', { skip: postgres === undefined ? 'no PostgreSQL' : false }, async t => {
  const backend = postgres as NonNullable<typeof postgres>
  t.teardown(() => backend.cleanup())
  const options: StoreOptions = await backend.fresh()
  const logs = new LogCapture()
  const first = await appFromText(signedConfig, { store: options, logs, level: 'info' })
  const second = await appFromText(signedConfig, { store: options })
  t.teardown(async () => { await first.close(); await second.close() })

  t.test('a signed caller on PostgreSQL opens the store, with no stateful feature configured', async t => {
    t.equal(first.store.backend, 'postgres')
    t.ok(first.replayStore instanceof StoreReplayIds)
    t.ok(logs.records.some(record => /webhook-ids are kept in PostgreSQL/.test(String(record.msg))))
    const ready = await first.inject({ method: 'GET', url: '/readyz' })
    t.same(ready.json().store, { ok: true, backend: 'postgres' }, '/readyz reports the database the replay check needs')
  })

  t.test('PostgreSQL without a signed caller: nothing to share, no store opened', async t => {
    const app = await appFromText(signupHook('  bearer:\n    secrets: ["0123456789abcdef0123"]'), { store: options })
    t.teardown(() => app.close())
    t.notOk(app.hasDecorator('store'))
    t.equal(app.replayStore.kind, 'memory')
  })

  t.test('accepted by one, the same bytes replayed to the other: 401', async t => {
    const signed = sign()
    t.equal((await post(first, signed)).status, 200)
    const replay = await post(second, signed)
    t.equal(replay.status, 401)
    t.equal(replay.body.message, 'Caller not authenticated: webhook-id was already used')
    t.equal((await post(first, signed)).status, 401, 'and to the first again')
    t.equal((await post(second, sign())).status, 200, 'a fresh signed call is accepted by the second')
  })

  t.test('concurrent deliveries of one id: exactly one is accepted', async t => {
    const signed = sign()
    const answers = await Promise.all([first, second, first, second].map(async app => (await post(app, signed)).status))
    t.same(answers.sort(), [200, 401, 401, 401])
  })

  t.test('an unsigned or wrongly signed call writes nothing', async t => {
    const signed = sign()
    const forged = { ...signed, headers: { ...signed.headers, 'webhook-signature': 'v1,AAAA' } }
    t.equal((await post(first, forged)).status, 401)
    t.equal((await post(second, signed)).status, 200, 'the forged call did not burn the id')
  })

  t.test('the database failing or hanging refuses the call (503, fail closed) and counts it', async t => {
    const store = first.store
    const recordReplayId = store.recordReplayId.bind(store)
    t.teardown(() => { store.recordReplayId = recordReplayId })
    store.recordReplayId = async () => { throw new Error('connection terminated') }
    const failed = await post(first, sign())
    t.equal(failed.status, 503)
    t.same(failed.body, { code: 'replay-check-unavailable', message: 'The webhook-id could not be checked against replays; try again' })
    store.recordReplayId = async () => await new Promise<boolean>(() => {})
    const started = Date.now()
    const hung = await post(first, sign())
    t.equal(hung.status, 503)
    t.ok(Date.now() - started < REPLAY_CHECK_TIMEOUT_MS + 500, 'bounded by the timeout')
    const metrics = await metricsText(first)
    t.match(metrics, /code="replay-check-unavailable",reason="unreachable"\} 1/)
    t.match(metrics, /code="replay-check-unavailable",reason="timeout"\} 1/)
    t.ok(logs.records.some(record => record.msg === 'caller refused: the replay check failed' && record.reason === 'timeout'))
  })

  t.test('expired ids are pruned with the store', async t => {
    const now = Date.now()
    await first.store.recordReplayId('msg_expired', now - 1000, now - 2000)
    await first.store.prune(0, now)
    t.equal(await second.store.recordReplayId('msg_expired', now + 1000, 0), true, 'its row was deleted')
  })
})
