import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { SqlStore } from '../../src/store/sql-store.js'
import { openSqlite } from '../../src/store/sqlite.js'

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'auth-hooks-sqlite-')), 'store.db')
const link = (tokenHash: string) => ({ tokenHash, userId: 'u', type: 'create' as const, accountId: null, expiresAt: Date.now() + 60_000 })

t.test('concurrent writes are committed in groups, every acknowledged one on disk', async t => {
  const file = fresh()
  const store = new SqlStore(openSqlite(file))
  const saved = await Promise.all(Array.from({ length: 200 }, (_, i) => store.saveProfile(`user-${i}`, { n: i }, 1000 + i)))
  t.same(saved.map(profile => profile.data), Array.from({ length: 200 }, (_, i) => ({ n: i })), 'each write gets its own RETURNING row')
  await store.close()
  const reopened = new SqlStore(openSqlite(file))
  t.teardown(() => reopened.close())
  for (const i of [0, 99, 199]) t.same((await reopened.getProfile(`user-${i}`))?.data, { n: i }, `user-${i} is on disk`)
})

t.test('a write that fails in a group is rolled back and rejected alone', async t => {
  const file = fresh()
  const store = new SqlStore(openSqlite(file))
  const results = await Promise.allSettled([store.saveConnectLink(link('a')), store.saveConnectLink(link('a')), store.saveConnectLink(link('b'))])
  t.same(results.map(result => result.status), ['fulfilled', 'rejected', 'fulfilled'])
  t.match((results[1] as PromiseRejectedResult).reason, { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })
  await store.close()
  const reopened = new SqlStore(openSqlite(file))
  t.teardown(() => reopened.close())
  t.ok(await reopened.getConnectLink('a'), 'the first write of the group is kept')
  t.ok(await reopened.getConnectLink('b'), 'the write after the failed one is kept')
})

t.test('a write still pending when the store closes is rejected, never acknowledged', async t => {
  const store = new SqlStore(openSqlite(fresh()))
  const pending = store.saveConnectLink(link('late'))
  await store.close()
  await t.rejects(pending, /database connection is not open/)
})
