import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadPolicy } from '../../src/policy/load.js'

async function shippedApp (t: Test): Promise<Awaited<ReturnType<typeof buildApp>>> {
  const loaded = await loadPolicy('conf/auth.yaml')
  if (!loaded.ok) throw new Error('conf/auth.yaml is invalid')
  const app = await buildApp({ policy: loaded.policy, config: loaded.config, logger: false })
  t.teardown(() => app.close())
  return app
}

/** The value of one sample line, e.g. `auth_hooks_decisions_total{hook="preSignup",...}`. */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find(line => line.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('decision metrics after known traffic', async t => {
  const app = await shippedApp(t)
  const signup = (data: Record<string, unknown>, provider = 'email'): Promise<unknown> =>
    app.inject({ method: 'POST', url: '/signup-hook', payload: { provider, data } })
  for (let i = 0; i < 3; i++) await signup({ email: `u${i}@gmail.com` })
  await signup({ email: 'a@company.com' })
  await signup({ email: 'b@company.com', accountType: 'merchant' })
  await signup({ username: 'x'.repeat(2000) }, 'username')
  await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: { email: 'm@blocked.example' } } })
  await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'bad', data: 'not an object' } })

  const response = await app.inject('/metrics')
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = response.body
  t.equal(sample(text, 'auth_hooks_decisions_total{hook="preSignup",dialect="native",outcome="deny",rule="company-email-only"}'), 3)
  t.equal(sample(text, 'auth_hooks_decisions_total{hook="preSignup",dialect="native",outcome="allow",rule="(default)"}'), 2, 'allowed by the default (roles rules do not decide)')
  t.equal(sample(text, 'auth_hooks_decisions_total{hook="preSignup",dialect="native",outcome="deny",rule="(field-too-long)"}'), 1)
  t.equal(sample(text, 'auth_hooks_decisions_total{hook="preLogin",dialect="native",outcome="deny",rule="blocked-domains"}'), 1)
  t.equal(sample(text, 'auth_hooks_decision_duration_seconds_count{hook="preSignup",dialect="native"}'), 6)
  t.equal(sample(text, 'auth_hooks_decision_duration_seconds_count{hook="preLogin",dialect="native"}'), 1, 'a malformed request is not a decision')
  t.equal(sample(text, 'auth_hooks_decision_duration_seconds_bucket{le="+Inf",hook="preSignup",dialect="native"}'), 6)
  t.equal(sample(text, 'auth_hooks_config_reloads_total{result="succeeded"}'), 0)
  t.equal(sample(text, 'auth_hooks_config_reloads_total{result="failed"}'), 0)
  t.equal(sample(text, 'auth_hooks_config_last_reload_successful'), 1)
  t.equal(sample(text, `auth_hooks_policy_info{version="${app.policies.current.version}"}`), 1)
  t.match(text, /^process_cpu_user_seconds_total \d/m, 'process metrics')
  t.match(text, /^nodejs_eventloop_lag_seconds \d/m)
})

t.test('reload metrics follow the policy store', async t => {
  const app = await shippedApp(t)
  const first = app.policies.current
  app.policies.fail({ at: new Date().toISOString(), problems: ['conf/auth.yaml:1:1 broken'] })
  let text = (await app.inject('/metrics')).body
  t.equal(sample(text, 'auth_hooks_config_reloads_total{result="failed"}'), 1)
  t.equal(sample(text, 'auth_hooks_config_last_reload_successful'), 0)
  t.equal(sample(text, `auth_hooks_policy_info{version="${first.version}"}`), 1, 'the last good policy is still in force')

  app.policies.replace({ ...first, version: 'next-version' })
  text = (await app.inject('/metrics')).body
  t.equal(sample(text, 'auth_hooks_config_reloads_total{result="succeeded"}'), 1)
  t.equal(sample(text, 'auth_hooks_config_last_reload_successful'), 1)
  t.equal(sample(text, 'auth_hooks_policy_info{version="next-version"}'), 1)
  t.equal(sample(text, `auth_hooks_policy_info{version="${first.version}"}`), undefined, 'only the policy in force is listed')
  const signup = await app.inject({ method: 'POST', url: '/signup-hook', payload: { provider: 'google', data: {} } })
  t.equal(signup.headers['x-auth-hooks-policy'], 'next-version')
})

t.test('two apps in one process keep their own registries', async t => {
  const a = await shippedApp(t)
  const b = await shippedApp(t)
  await a.inject({ method: 'POST', url: '/signup-hook', payload: { provider: 'google', data: {} } })
  t.equal(sample((await a.inject('/metrics')).body, 'auth_hooks_decision_duration_seconds_count{hook="preSignup",dialect="native"}'), 1)
  t.equal(sample((await b.inject('/metrics')).body, 'auth_hooks_decision_duration_seconds_count{hook="preSignup",dialect="native"}'), undefined)
})
