import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadPolicy } from '../../src/policy/load.js'

t.test('readyz stays ready while the last good policy serves and says why the newest file failed', async t => {
  const loaded = await loadPolicy('conf/auth.yaml')
  if (!loaded.ok) throw new Error('conf/auth.yaml is invalid')
  const app = await buildApp({ policy: loaded.policy, config: loaded.config, logger: false })
  t.teardown(() => app.close())
  t.same((await app.inject('/healthz')).json(), { status: 'ok' })
  t.same((await app.inject('/readyz')).json(), { status: 'ready', policy: loaded.policy.version, newestConfig: { ok: true } })
  app.policies.fail({ at: '2026-01-01T00:00:00.000Z', problems: ['conf/auth.yaml:3:1 bad'] })
  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), {
    status: 'ready',
    policy: loaded.policy.version,
    newestConfig: { ok: false, failedAt: '2026-01-01T00:00:00.000Z', problems: ['conf/auth.yaml:3:1 bad'] }
  })
})
