import t from 'tap'
import { runCommand } from '../../helpers.js'

process.env.SUPABASE_HOOK_SECRET = `v1,whsec_${Buffer.alloc(32, 7).toString('base64')}`
process.env.KRATOS_HOOK_PASSWORD = 'change-me-to-a-long-random-password'
process.env.OKTA_HOOK_SECRET = 'okta-inline-hook-secret-0123456789'

t.test('check lists each hook with its dialect', async t => {
  t.match(await runCommand(['check', 'conf/dialects/supabase.yaml']), {
    code: 0, stdout: /preSignup \(supabase-before-user-created\) → POST \/supabase\/before-user-created, preLogin \(supabase-custom-access-token\) → POST \/supabase\/custom-access-token/
  })
  t.match(await runCommand(['check', 'conf/dialects/kratos.yaml']), { code: 0, stdout: /preSignup \(kratos\) → POST \/kratos\/registration, preLogin \(kratos\) → POST \/kratos\/login/ })
  t.match(await runCommand(['check', 'conf/dialects/okta.yaml']), { code: 0, stdout: /preSignup \(okta-registration\) → POST \/okta\/registration\)/ })
})

t.test('test runs cases written as the calling system\'s bodies', async t => {
  const run = await runCommand(['test', 'conf/dialects/supabase.test.yaml'])
  t.equal(run.code, 0, run.stdout)
  t.match(run.stdout, /6 passed, 0 failed/)
  const dir = t.testdir({
    'cases.yaml': 'config: ../../../../conf/dialects/supabase.yaml\ncases:\n  - { note: n, hook: preSignup, dialect: supabase-before-user-created, request: { provider: email, data: {} }, expect: { status: 200 } }\n'
  })
  const bad = await runCommand(['test', `${dir}/cases.yaml`, '--config', 'conf/dialects/supabase.yaml'])
  t.match(bad, { code: 1, stdout: /FAIL 1 preSignup: n\n.*cases\.yaml:3: Request body must be a Supabase before-user-created payload .* \(the preSignup hook speaks supabase-before-user-created\)/ })
})

t.test('explain reads the body the hook\'s system sends', async t => {
  const body = { metadata: {}, user: { email: 'ann@gmail.com', phone: '', app_metadata: { provider: 'email' }, user_metadata: {} } }
  const run = await runCommand(['explain', '--hook', 'preSignup', 'conf/dialects/supabase.yaml'], JSON.stringify(body))
  t.match(run, { code: 0, stdout: /decision: deny 403 invalid-email "Only users with company.com domain are allowed" by rule "company-email-only"/ })
  t.match(await runCommand(['explain', '--hook', 'preSignup', 'conf/dialects/okta.yaml'], '{"provider":"email"}'), {
    code: 2, stderr: /Okta registration inline hook payload .*\(the preSignup hook speaks okta-registration\)/
  })
})
