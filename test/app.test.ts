import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadOk, repoRoot } from './helpers.js'
import { loadPolicy } from '../src/policy/load.js'

t.test('buildApp uses the service logger options when given none', async t => {
  const loaded = await loadPolicy(`${repoRoot}conf/auth.yaml`, {})
  if (!loaded.ok) return t.fail('shipped config')
  const app = await buildApp({ policy: loaded.policy, config: loaded.config })
  t.teardown(() => app.close())
  t.equal(app.log.level, process.env.LOG_LEVEL ?? 'info')
  t.equal(app.initialConfig.bodyLimit, 65536)
})

t.test('the body limit follows limits.bodyBytes', async t => {
  const { policy, config } = await loadOk('limits: { bodyBytes: 300 }\nhooks:\n  preSignup: { rules: [] }\n')
  const app = await buildApp({ policy, config, logger: false })
  t.teardown(() => app.close())
  const small = await app.inject({ method: 'POST', url: '/signup-hook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ provider: 'email', data: { x: 'a'.repeat(200) } }) })
  t.equal(small.statusCode, 200)
  const large = await app.inject({ method: 'POST', url: '/signup-hook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ provider: 'email', data: { x: 'a'.repeat(300) } }) })
  t.same([large.statusCode, large.json().code], [413, 'body-too-large'])
})
