import t from 'tap'
import { needsStore, storeOptionsFrom } from '../../src/users/plugin.js'

const hooks = { preSignup: { rules: [] } }
const caller = { none: true as const }

t.test('the store is opened only for the features that keep state', async t => {
  t.equal(needsStore({ caller, hooks }), false)
  t.equal(needsStore({ caller, hooks, store: { sqlitePath: 'x.db' } }), false, 'a store section alone opens nothing')
  t.equal(needsStore({ caller, hooks, profiles: { schema: { type: 'object', properties: { a: {} } } } }), true)
})

t.test('DATABASE_URL and store.sqlitePath become the store options', async t => {
  t.same(storeOptionsFrom({ caller, hooks }, {}), {})
  t.same(storeOptionsFrom({ caller, hooks, store: { sqlitePath: 'var/db.sqlite' } }, { DATABASE_URL: 'postgres://db/app' }), { sqlitePath: 'var/db.sqlite', databaseUrl: 'postgres://db/app' })
})
