import Fastify from 'fastify'
import t from 'tap'
import storePlugin, { EXPIRED_LINK_RETENTION_MS } from '../../src/store/plugin.js'

t.test('the store plugin prunes expired rows in the background and survives a failing prune', async t => {
  const app = Fastify({ logger: false })
  await app.register(storePlugin, { sqlitePath: ':memory:', pruneEveryMs: 20 })
  await app.ready()
  const now = Date.now()
  await app.store.saveConnectLink({ tokenHash: 'past-grace', userId: 'u', type: 'create', accountId: null, expiresAt: now - EXPIRED_LINK_RETENTION_MS - 1000 })
  await app.store.saveConnectLink({ tokenHash: 'in-grace', userId: 'u', type: 'create', accountId: null, expiresAt: now - 1000 })
  await app.store.createSession({ id: 'expired', customerId: 'c', portalSessionId: 'p', createdAt: now - 2000, expiresAt: now - 1000 })
  await app.store.recordReplayId('msg_expired', now - 1000, now - 2000)
  await new Promise(resolve => setTimeout(resolve, 100))
  t.equal(await app.store.recordReplayId('msg_expired', now + 1000, 0), true, 'the expired webhook-id was deleted')
  t.equal(await app.store.getConnectLink('past-grace'), null)
  t.ok(await app.store.getConnectLink('in-grace'), 'a link is kept for the notification grace period')
  t.equal(await app.store.getSession('expired'), null)
  // A prune that fails (here: the database is gone) is logged, not thrown.
  await app.store.close()
  await new Promise(resolve => setTimeout(resolve, 60))
  await app.close()
  t.pass('no crash')
})

t.test('the store is pruned once at open, before the app serves', async t => {
  const dir = t.testdir({})
  const sqlitePath = `${dir}/store.db`
  const first = Fastify({ logger: false })
  await first.register(storePlugin, { sqlitePath })
  await first.ready()
  const now = Date.now()
  await first.store.recordReplayId('msg_left', now - 1000, now - 2000)
  await first.close()
  const second = Fastify({ logger: false })
  await second.register(storePlugin, { sqlitePath })
  await second.ready()
  t.teardown(() => second.close())
  t.equal(await second.store.recordReplayId('msg_left', now + 1000, 0), true, 'what the stopped one left is gone')
})
