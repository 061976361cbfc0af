import t from 'tap'
import { needsStore, storeOptionsFrom } from '../../src/store/plugin.js'

t.test('the store is opened only for the features that keep state', async t => {
  t.equal(needsStore({}), false)
  t.equal(needsStore({ store: { sqlitePath: 'x.db' } }), false, 'a store section alone opens nothing')
  t.equal(needsStore({ profiles: { schema: { type: 'object', properties: { a: {} } } } }), true)
})

t.test('DATABASE_URL and store.sqlitePath become the store options', async t => {
  t.same(storeOptionsFrom({}, {}), {})
  t.same(storeOptionsFrom({ store: { sqlitePath: 'var/db.sqlite' } }, { DATABASE_URL: 'postgres://db/app' }), { sqlitePath: 'var/db.sqlite', databaseUrl: 'postgres://db/app' })
})
