import t from 'tap'
import { shippedApp } from '../helpers.js'

t.test('/healthz says the process answers; /readyz names the policy in force', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.same([health.statusCode, health.json()], [200, { status: 'ok' }])
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', policy: app.policies.current.version, newestConfig: { ok: true } })
  t.match(ready.json().policy, /^[0-9a-f]{12}$/)
  const post = await app.inject({ method: 'POST', url: '/healthz' })
  t.equal(post.statusCode, 405)
})
