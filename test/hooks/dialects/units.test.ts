import t from 'tap'
import { withRoles } from '../../../src/hooks/dialects/supabase-custom-access-token.js'
import { supabaseError, supabaseProvider } from '../../../src/hooks/dialects/supabase.js'
import { mergeRoles, ruleData } from '../../../src/hooks/dialects/shared.js'
import { basicCredentials } from '../../../src/http/credentials.js'
import { appFor, problemsOf } from '../../helpers.js'

t.test('dialect helpers on the edges', async t => {
  t.equal(supabaseError(403, ''), '{"error":{"http_code":403,"message":"Request denied by policy"}}', 'never an empty message: Supabase would allow')
  t.equal(supabaseProvider(null, false), 'unknown')
  t.equal(supabaseProvider({ provider: '' }, true), 'anonymous')
  t.same(withRoles({ app_metadata: 'odd' }, ['app_metadata', 'roles'], ['a']), { app_metadata: { roles: ['a'] } }, 'a non-object on the way is replaced')
  t.same(withRoles({}, ['roles'], ['a']), { roles: ['a'] })
  const claims = { app_metadata: { roles: ['x'] } }
  withRoles(claims, ['app_metadata', 'roles'], ['y'])
  t.same(claims, { app_metadata: { roles: ['x'] } }, 'the request is never changed in place')
  t.same(mergeRoles(['a', 1, 'b'], ['b', 'c']), ['a', 'b', 'c'])
  t.same(ruleData('not an object', 'a@b.c', '', 'sys', 1), { email: 'a@b.c', sys: 1 })
  t.equal(basicCredentials(undefined), null)
  t.equal(basicCredentials('Basic'), null)
  t.equal(basicCredentials('Bearer abc'), null)
  t.equal(basicCredentials('Basic not*base64'), null)
  t.equal(basicCredentials(`Basic ${Buffer.from('nocolon').toString('base64')}`), null)
  t.equal(basicCredentials(`basic ${Buffer.from('u:p:q').toString('base64')}`), 'u:p:q')
  t.equal(basicCredentials(`Basic ${'A'.repeat(5000)}`), null)
})

const post = async (app: Awaited<ReturnType<typeof appFor>>, url: string, payload: unknown, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> => {
  const response = await app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } })
  return { status: response.statusCode, body: response.json() }
}

t.test('a native body with a status key is a request, not a refusal', async t => {
  const app = await appFor('hooks:\n  preSignup:\n    rules:\n      - { name: r, roles: [r] }\n')
  t.teardown(() => app.close())
  t.same(await post(app, '/signup-hook', { provider: 'email', data: {}, status: 500, code: 'x', message: 'y' }), { status: 200, body: { roles: ['r'] } })
})

t.test('each hook has its own caller and dialect; defaults apply', async t => {
  const app = await appFor(`
caller: { none: true }
hooks:
  preSignup:
    dialect: okta-registration
    caller: { header: { name: X-Hook-Key, secrets: ['a-long-header-secret-0123'] } }
    rules:
      - { name: no, when: { field: data.email, equals: no@company.com }, deny: { code: NO, message: 'No.' } }
  preLogin:
    dialect: supabase-custom-access-token
    rules:
      - { name: r, roles: [r] }
`)
  t.teardown(() => app.close())
  const okta = { data: { userProfile: { email: 'no@company.com' } } }
  t.same((await post(app, '/okta/registration', okta)).status, 401, 'the header is required')
  t.same((await post(app, '/okta/registration', okta, { 'x-hook-key': 'wrong-wrong-wrong-wrong' })).status, 401)
  const denied = await post(app, '/okta/registration', okta, { 'x-hook-key': 'a-long-header-secret-0123' })
  t.same(denied.body.error.errorCauses[0], { errorSummary: 'No.', reason: 'NO', locationType: 'body', location: 'data.userProfile.email', domain: 'end-user' }, 'the default location')
  t.same((await post(app, '/okta/registration', { data: {} }, { 'x-hook-key': 'a-long-header-secret-0123' })).body.commands[0].value, { registration: 'ALLOW' },
    'no profile at all: nothing for the rules to deny')
  const token = await post(app, '/supabase/custom-access-token', { claims: { sub: 'u' } })
  t.same(token, { status: 200, body: { claims: { sub: 'u', app_metadata: { roles: ['r'] } } } }, 'the default rolesClaim, and no caller check on this hook')
})

t.test('a Kratos deny of 429 and a refusal of 429 are sent as 400; a request without kratos context is read as native', async t => {
  const app = await appFor(`
hooks:
  preSignup:
    dialect: kratos
    rules:
      - { name: slow, when: { field: data.email, equals: slow@x.com }, deny: { status: 429, code: slow, message: Slow } }
      - { name: r, roles: [r] }
`)
  t.teardown(() => app.close())
  t.same(await post(app, '/kratos/registration', { provider: 'email', data: { email: 'slow@x.com' } }), {
    status: 400, body: { messages: [{ instance_ptr: '#/traits/email', messages: [{ id: 4000001, text: 'Slow', type: 'error', context: { reason: 'Slow' } }] }] }
  })
  t.same(await post(app, '/kratos/registration', { provider: 'email', data: {} }), { status: 200, body: { identity: { metadata_public: { roles: ['r'] } } } })
})

t.test('an error while deciding is a 500 in the dialect\'s own shape', async t => {
  const app = await appFor('hooks:\n  preSignup:\n    dialect: supabase-before-user-created\n    rules: []\n')
  t.teardown(() => app.close())
  const hook = app.policies.current.hooks.get('preSignup')!
  // A hook whose policy object throws while deciding: the route's error handler renders it.
  Object.defineProperty(hook, 'decide', { value: () => { throw new Error('boom') } })
  const answer = await post(app, '/supabase/before-user-created', { metadata: {}, user: { email: 'a@b.c' } })
  t.same(answer, { status: 200, body: { error: { http_code: 500, message: 'auth-hooks refused the hook request (internal-error): Internal error' } } })
})

t.test('the hooks table is enforced at load with line numbers', async t => {
  t.same(await problemsOf('hooks:\n  preLogin:\n    dialect: okta-registration\n    rules: []\n'),
    ['3:14 hooks.preLogin.dialect: preLogin cannot use the okta-registration dialect; it can use native, supabase-custom-access-token, kratos'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    dialect: supabase-before-user-created\n    rules:\n      - { name: r, roles: [a] }\n'),
    ['5:27 preSignup rule "r" roles: roles cannot be assigned on preSignup with the supabase-before-user-created dialect (its answer carries none; add them on preLogin with supabase-custom-access-token)'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    dialect: kratos\n    okta: { rolesAttribute: roles }\n    rules: []\n'),
    ['4:11 hooks.preSignup.okta: "okta" options are for the okta-registration dialect; this hook\'s is kratos'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    dialect: firebase\n    rules: []\n'), ['3:14 hooks.preSignup.dialect: must be one of "native", "supabase-before-user-created", "supabase-custom-access-token", "kratos", "okta-registration"'])
  t.same(await problemsOf('hooks:\n  preSignup:\n    dialect: kratos\n    path: /signup-hook\n    rules: []\n  preLogin:\n    dialect: kratos\n    path: /signup-hook\n    rules: []\n'),
    ['8:11 hooks.preLogin.path: path /signup-hook is already used by preSignup'])
})
