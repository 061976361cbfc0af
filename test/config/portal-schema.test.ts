// The identity/portals sections of conf/auth.schema.json, through the same validation and problem
// descriptions `auth-hooks check` uses.
import t from 'tap'
import { describeSchemaErrors } from '../../src/config/problems.js'
import { schemaDefault, validateConfig, type SchemaError } from '../../src/config/schema.js'

const hooks = { preLogin: { rules: [] } }
const jwt = { secret: 'x'.repeat(32), issuer: 'https://id.example.com/', audience: 'app' }
const identity = { jwt, signInUrl: 'https://app.example.com/sign-in' }

function problems (config: Record<string, unknown>): string[] {
  if (validateConfig({ caller: { none: true }, hooks, ...config })) return []
  return describeSchemaErrors(validateConfig.errors ?? [], { hooks, ...config })
    .map(problem => `${[...problem.path, ...(problem.key === undefined ? [] : [problem.key])].join('.')}: ${problem.message}`)
}

t.test('both sections are optional, and a full example is valid', async t => {
  t.same(problems({}), [])
  t.same(problems({
    identity: { ...identity, returnParam: 'next', publicUrl: 'https://auth.example.com', allowedOrigins: ['https://app.example.com'] },
    portals: {
      billing: { path: '/portal/billing', provider: 'stripe', timeoutMs: 3000, stripe: { secretKey: 'sk_test_1', flowType: 'payment_method_update' } },
      team: { path: '/userhub', provider: 'userhub', userhub: { adminKey: 'k', connectionId: 'conn_1' } },
      subs: { path: '/portal/subs', provider: 'chargebee', chargebee: { site: 'acme-test', apiKey: 'k' } }
    }
  }), [])
  t.same(problems({ identity: { signedCookie: { name: 'session', secret: 'y'.repeat(32) }, signInUrl: 'https://app.example.com/sign-in' } }), [])
})

t.test('exactly one identity source and exactly one JWT key source, said plainly', async t => {
  t.same(problems({ identity: { signInUrl: 'https://app.example.com/' } }), ['identity: needs one identity source, one of "jwt", "signedCookie"'])
  t.same(problems({ identity: { ...identity, signedCookie: { name: 's', secret: 'y'.repeat(32) } } }),
    ['identity: has more than one identity source ("jwt", "signedCookie"); use one per object'])
  t.same(problems({ identity: { ...identity, jwt: { issuer: 'i', audience: 'a' } } }), ['identity.jwt: needs one key source, one of "jwksUrl", "secret", "publicKey"'])
  t.same(problems({ identity: { ...identity, jwt: { ...jwt, jwksUrl: 'https://id.example.com/jwks.json' } } }),
    ['identity.jwt: has more than one key source ("jwksUrl", "secret"); use one per object'])
})

t.test('portals need identity, the settings of their provider, and safe-looking values', async t => {
  t.same(problems({ portals: {} }), [': must have property identity when property portals is present'])
  t.same(problems({ identity, portals: { p: { path: '/p', provider: 'stripe' } } }), ['portals.p: missing "stripe"'])
  t.same(problems({ identity, portals: { p: { path: '/p', provider: 'paddle' } } }), ['portals.p.provider: must be one of "userhub", "chargebee", "stripe"'])
  t.match(problems({ identity: { ...identity, allowedOrigins: ['https://a.example.com/path'] } }), [/^identity\.allowedOrigins\.0: must match pattern/])
  t.same(problems({ identity, portals: { 'a/b~c': { path: '/p', provider: 'userhub', userhub: { adminKey: 'k', connectionId: 'bad id' } } } }),
    ['portals.a/b~c.userhub.connectionId: must match pattern "^[A-Za-z0-9_-]{1,128}$"'])
  t.same(problems({ identity: { ...identity, jwt: { ...jwt, secret: 'short' } } }), ['identity.jwt.secret: must NOT have fewer than 32 characters'])
})

t.test('defaults live in the schema', async t => {
  t.equal(schemaDefault('portal', 'timeoutMs'), 5000)
  t.equal(schemaDefault('identity', 'returnParam'), 'redirect_url')
})

t.test('the other one-of and any-of choices of the config keep their own wording', async t => {
  const rule = (extra: Record<string, unknown>): Record<string, unknown> => ({ caller: { none: true }, hooks: { preLogin: { rules: [{ name: 'r', ...extra }] } } })
  const described = (config: Record<string, unknown>): string[] => {
    if (validateConfig(config)) return []
    return describeSchemaErrors(validateConfig.errors ?? [], config).map(problem => `${problem.path.join('.')}${problem.key === undefined ? '' : `[${problem.key}]`}: ${problem.message}`)
  }
  t.same(described(rule({ allow: true, deny: { code: 'c', message: 'm' } })), ['hooks.preLogin.rules.0: has more than one action ("deny", "allow"); use one per object'])
  t.same(described(rule({ allow: true, when: {} })), ['hooks.preLogin.rules.0.when: needs one condition, one of "all", "any", "not", "provider", "field", "emailDomain", "emailAddress", "emailSubaddress"'])
  t.same(described(rule({ allow: true, when: { emailDomain: { in: ['a.com'], notIn: ['b.com'] } } })), ['hooks.preLogin.rules.0.when.emailDomain: has more than one list ("in", "notIn"); use one per object'])
  t.same(described(rule({ allow: true, when: { provider: 'email', equals: 1 } })), ['hooks.preLogin.rules.0.when[equals]: "equals" cannot be used in a provider condition'])
  t.same(described(rule({ allow: true, when: { field: 'data.x' } })), ['hooks.preLogin.rules.0.when: a field condition needs at least one test (exists, equals, in, notIn, matches, notMatches, minLength, maxLength)'])
  t.same(described(rule({ allow: true, when: { provider: 1 } })), ['hooks.preLogin.rules.0.when.provider: must be a provider name or a list of them'])
  t.same(described(rule({ allow: true, extra: 1 })), ['hooks.preLogin.rules.0[extra]: unknown key "extra"'])
  t.same(described({ caller: { none: true }, hooks: { preLogin: { default: 'maybe', rules: [] } } }), ['hooks.preLogin.default: must be allow, deny or {deny: {code, message}}'])
  t.ok(described({ caller: { none: true }, hooks: { preLogin: { default: { deny: { code: 'c' } }, rules: [] } } }).includes('hooks.preLogin.default.deny: missing "message"'))
  t.same(described(rule({ allow: true, when: { emailDomain: { in: { file: 5 } } } })), ['hooks.preLogin.rules.0.when.emailDomain.in.file: must be string'])
})

t.test('describeSchemaErrors on its own: generic fallbacks and duplicates', async t => {
  const error = (keyword: string, instancePath: string, params: Record<string, unknown> = {}, message = 'is wrong'): SchemaError =>
    ({ keyword, instancePath, schemaPath: `#/${keyword}`, params, message }) as SchemaError
  const data = { x: {}, y: 1 }
  t.same(describeSchemaErrors([error('propertyNames', '/x', { propertyName: 'foo' })], data), [{ path: ['x'], key: 'foo', message: '"foo" cannot be used in a this condition' }])
  t.same(describeSchemaErrors([error('anyOf', '/y', {}, 'must match a schema in anyOf')], data), [{ path: ['y'], message: 'must match a schema in anyOf' }])
  t.same(describeSchemaErrors([error('required', '/x', { missingProperty: 'a' }), error('required', '/x', { missingProperty: 'a' })], data), [{ path: ['x'], message: 'missing "a"' }])
})
