import t from 'tap'
import { backends, freshStore } from '../helpers/backends.js'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import pg from 'pg'
import { DEFAULT_SQLITE_PATH, openStore } from '../../src/store/index.js'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

const { list, skipped } = backends()
if (skipped !== null) t.comment(skipped)

for (const backend of list) {
  t.test(`${backend.name} store`, async t => {
    t.teardown(() => backend.cleanup())

    t.test('profiles: upsert keyed by user id keeps createdAt', async t => {
      const store = await freshStore(backend)
      t.teardown(() => store.close())
      t.equal(await store.getProfile('u1'), null)
      const first = await store.saveProfile('u1', { name: 'Ada', tags: ['x'] }, 1000)
      t.same(first, { userId: 'u1', data: { name: 'Ada', tags: ['x'] }, createdAt: 1000, updatedAt: 1000 })
      const second = await store.saveProfile('u1', { name: 'Ada L.' }, 2000)
      t.same(second, { userId: 'u1', data: { name: 'Ada L.' }, createdAt: 1000, updatedAt: 2000 })
      t.same(await store.getProfile('u1'), second)
      t.equal(await store.getProfile('u2'), null)
    })

    t.test('accounts: record, repeat, other owner, status, list', async t => {
      const store = await freshStore(backend)
      t.teardown(() => store.close())
      const created = await store.recordAccount('acc1', 'u1', 'CREATION_SUCCESS', 1000)
      t.same(created, { owned: true, account: { accountId: 'acc1', userId: 'u1', status: 'CREATION_SUCCESS', createdAt: 1000, updatedAt: 1000 } })
      const repeat = await store.recordAccount('acc1', 'u1', 'RECONNECTED', 2000)
      t.same(repeat, { owned: true, account: { accountId: 'acc1', userId: 'u1', status: 'RECONNECTED', createdAt: 1000, updatedAt: 2000 } })
      t.same(await store.recordAccount('acc1', 'u2', 'CREATION_SUCCESS', 3000), { owned: false }, 'another user cannot take the account')
      t.equal((await store.getAccount('acc1'))?.userId, 'u1')
      await store.recordAccount('acc2', 'u1', 'CREATION_SUCCESS', 1500)
      await store.recordAccount('acc3', 'u2', 'CREATION_SUCCESS', 1200)
      t.same((await store.listAccounts('u1')).map(a => a.accountId), ['acc1', 'acc2'])
      t.same(await store.listAccounts('nobody'), [])
      const marked = await store.setAccountStatus('acc2', 'CREDENTIALS', 4000)
      t.same(marked, { accountId: 'acc2', userId: 'u1', status: 'CREDENTIALS', createdAt: 1500, updatedAt: 4000 })
      t.equal(await store.setAccountStatus('unknown', 'CREDENTIALS', 4000), null)
      t.equal(await store.getAccount('unknown'), null)
    })

    t.test('concurrent notifications for one account never duplicate it', async t => {
      const store = await freshStore(backend)
      t.teardown(() => store.close())
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        store.recordAccount('shared', i % 2 === 0 ? 'u1' : 'u2', 'CREATION_SUCCESS', 1000 + i)))
      const owners = new Set(results.flatMap(r => r.owned ? [r.account.userId] : []))
      t.equal(owners.size, 1, 'exactly one user owns the account')
      const accounts = [...await store.listAccounts('u1'), ...await store.listAccounts('u2')]
      t.equal(accounts.length, 1)
    })

    t.test('connect links', async t => {
      const store = await freshStore(backend)
      t.teardown(() => store.close())
      await store.saveConnectLink({ tokenHash: 'h1', userId: 'u1', type: 'create', accountId: null, expiresAt: 5000 })
      await store.saveConnectLink({ tokenHash: 'h2', userId: 'u1', type: 'reconnect', accountId: 'acc1', expiresAt: 6000 })
      t.same(await store.getConnectLink('h1'), { tokenHash: 'h1', userId: 'u1', type: 'create', accountId: null, expiresAt: 5000 })
      t.same(await store.getConnectLink('h2'), { tokenHash: 'h2', userId: 'u1', type: 'reconnect', accountId: 'acc1', expiresAt: 6000 })
      t.equal(await store.getConnectLink('h3'), null)
      await t.rejects(store.saveConnectLink({ tokenHash: 'h1', userId: 'u2', type: 'create', accountId: null, expiresAt: 1 }), 'token hashes are unique')
    })

    t.test('sessions: one per portal session, delete returns it', async t => {
      const store = await freshStore(backend)
      t.teardown(() => store.close())
      const session = { id: 's1', customerId: 'cust1', portalSessionId: 'ps1', createdAt: 1000, expiresAt: 9000 }
      t.equal(await store.createSession(session), true)
      t.equal(await store.createSession({ ...session, id: 's2' }), false, 'a portal session opens one app session')
      t.same(await store.getSession('s1'), session)
      t.equal(await store.getSession('s2'), null)
      t.same(await store.deleteSession('s1'), session)
      t.equal(await store.deleteSession('s1'), null)
      t.equal(await store.getSession('s1'), null)
    })

    t.test('prune deletes expired links and sessions only', async t => {
      const store = await freshStore(backend)
      t.teardown(() => store.close())
      await store.saveConnectLink({ tokenHash: 'old', userId: 'u1', type: 'create', accountId: null, expiresAt: 1000 })
      await store.saveConnectLink({ tokenHash: 'new', userId: 'u1', type: 'create', accountId: null, expiresAt: 3000 })
      await store.createSession({ id: 's-old', customerId: 'c', portalSessionId: 'p-old', createdAt: 0, expiresAt: 1500 })
      await store.createSession({ id: 's-new', customerId: 'c', portalSessionId: 'p-new', createdAt: 0, expiresAt: 2500 })
      await store.prune(2000, 2000)
      t.equal(await store.getConnectLink('old'), null)
      t.ok(await store.getConnectLink('new'))
      t.equal(await store.getSession('s-old'), null)
      t.ok(await store.getSession('s-new'))
    })

    t.test('replay ids: the primary key refuses a second use until it expires, concurrent uses included', async t => {
      const store = await freshStore(backend)
      t.teardown(() => store.close())
      t.equal(await store.recordReplayId('msg_1', 2000, 1000), true)
      t.equal(await store.recordReplayId('msg_1', 2500, 1500), false, 'a replay inside the window')
      t.equal(await store.recordReplayId('msg_1', 2500, 2000), false, 'still refused at the last millisecond')
      t.equal(await store.recordReplayId('msg_1', 4000, 2001), true, 'used again after it expired: recorded anew')
      t.equal(await store.recordReplayId('msg_1', 4500, 3000), false, 'the new expiry holds')
      const racing = await Promise.all(Array.from({ length: 8 }, async () => await store.recordReplayId('msg_race', 9000, 1000)))
      t.equal(racing.filter(Boolean).length, 1, 'of eight concurrent uses, exactly one is recorded')
      await store.recordReplayId('msg_old', 1500, 1000)
      await store.prune(0, 3000)
      t.equal(await store.recordReplayId('msg_old', 9000, 1000), true, 'pruned: its row is gone (else this clock would call it a replay)')
      t.equal(await store.recordReplayId('msg_1', 9000, 3000), false, 'an unexpired id survives pruning')
    })

    t.test('migrations run once: reopening keeps the data', async t => {
      const options = await backend.fresh()
      const store = await openStore(options)
      await store.saveProfile('u1', { a: 1 }, 1)
      await store.close()
      const again = await openStore(options)
      t.teardown(() => again.close())
      t.same((await again.getProfile('u1'))?.data, { a: 1 })
      t.equal(again.backend, backend.name)
    })
  })
}

t.test('SQLite: in memory, and the default file under data/', async t => {
  const memory = await openStore({ sqlitePath: ':memory:' })
  await memory.saveProfile('u', {}, 1)
  t.ok(await memory.getProfile('u'))
  await memory.close()
  t.chdir(t.testdir({}))
  const store = await openStore({})
  t.teardown(() => store.close())
  await store.saveProfile('u', { a: 1 }, 1)
  t.ok(existsSync(join(process.cwd(), DEFAULT_SQLITE_PATH)), 'the database file is where the README says')
  t.ok(existsSync(join(process.cwd(), `${DEFAULT_SQLITE_PATH}-wal`)), 'in WAL mode')
})

const postgresUrl = list.some(b => b.name === 'postgres') ? process.env.DATABASE_URL as string : null
t.test('PostgreSQL start-up failures', { skip: postgresUrl === null ? 'no PostgreSQL' : false }, async t => {
  const url = postgresUrl as string
  await t.rejects(openStore({ databaseUrl: url, postgresSchema: 'bad-name;drop' }), /invalid PostgreSQL schema name/)
  const closed = await freePort()
  await t.rejects(openStore({ databaseUrl: `postgres://postgres@127.0.0.1:${closed}/postgres` }), /ECONNREFUSED/, 'an unreachable server fails the start')
  // A table in the way makes the first migration fail: it is rolled back, nothing half-applied.
  const schema = `t_clash_${process.pid}`
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  t.teardown(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  })
  await client.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.sessions (x int)`)
  await t.rejects(openStore({ databaseUrl: url, postgresSchema: schema }), /already exists/)
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = '${schema}'`)
  t.equal(rows[0].n, 1, 'only the clashing table is there: the migration was rolled back')
  // The default schema is public.
  const store = await openStore({ databaseUrl: url })
  t.teardown(() => store.close())
  t.equal(store.backend, 'postgres')
})

t.test('a non-postgres DATABASE_URL is refused rather than ignored', async t => {
  await t.rejects(openStore({ databaseUrl: 'mysql://localhost/db' }), /postgres:\/\//)
})
