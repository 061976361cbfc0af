// The store, profiles, admin, connect and chargebeeLogin sections of conf/auth.schema.json, through
// the same validation and problem descriptions `auth-hooks check` uses.
import t from 'tap'
import { describeSchemaErrors } from '../../src/config/problems.js'
import { configSchema, schemaDefinition, validateConfig } from '../../src/config/schema.js'

const hooks = { preLogin: { rules: [] } }
const identity = { jwt: { secret: 'x'.repeat(32), issuer: 'https://id.example.com/', audience: 'app' }, signInUrl: 'https://app.example.com/sign-in' }
const profiles = { schema: { type: 'object', properties: { name: { type: 'string' } } } }
const connect = {
  apiUrl: 'https://api8.unipile.com:13851',
  apiKey: 'k',
  publicUrl: 'https://auth.example.com',
  successRedirectUrl: 'https://app.example.com/ok',
  failureRedirectUrl: 'https://app.example.com/failed',
  webhookSecret: 'w'.repeat(16)
}
const chargebeeLogin = { site: 'acme', apiKey: 'k', publicUrl: 'https://auth.example.com', cookieSecret: 'c'.repeat(32) }

function problems (config: Record<string, unknown>): string[] {
  if (validateConfig({ caller: { none: true }, hooks, ...config })) return []
  return describeSchemaErrors(validateConfig.errors ?? [], { hooks, ...config })
    .map(problem => `${[...problem.path, ...(problem.key === undefined ? [] : [problem.key])].join('.')}: ${problem.message}`)
}

t.test('every section is optional, and a full example is valid', async t => {
  t.same(problems({}), [])
  t.same(problems({
    identity,
    store: { sqlitePath: '/var/lib/auth-hooks/db.sqlite' },
    profiles: { ...profiles, maxBytes: 4096 },
    admin: { token: 'a'.repeat(32) },
    connect: { ...connect, providers: ['LINKEDIN', 'WHATSAPP'], linkLifetimeSeconds: 600, webhookHeader: 'x-unipile-secret', timeoutMs: 3000 },
    chargebeeLogin: { ...chargebeeLogin, cancelUrl: 'https://www.example.com/', afterLoginUrl: '/app', afterLogoutUrl: 'https://www.example.com/', allowedOrigins: ['https://www.example.com'], cookieName: 'sid', sessionTtlSeconds: 3600 }
  }), [])
  t.same(problems({ chargebeeLogin }), [], 'Chargebee login works without an identity section')
})

t.test('profiles and connect need the identity section', async t => {
  t.same(problems({ profiles }), [': must have property identity when property profiles is present'])
  t.same(problems({ connect }), [': must have property identity when property connect is present'])
})

t.test('mistakes are named plainly', async t => {
  t.same(problems({ identity, profiles: { schema: { type: 'array' } } }), [
    'profiles.schema: missing "properties"',
    'profiles.schema.type: must be equal to constant'
  ])
  t.same(problems({ identity, connect: { ...connect, providers: ['FAX'] } }), ['connect.providers.0: must be one of "LINKEDIN", "WHATSAPP", "INSTAGRAM", "MESSENGER", "TELEGRAM", "GOOGLE", "OUTLOOK", "TWITTER", "MAIL"'])
  t.same(problems({ identity, connect: { ...connect, apiUrl: 'https://api.unipile.com/path' } }), ['connect.apiUrl: must match pattern "^https?://[^/?#\\s]+$"'])
  t.same(problems({ admin: { token: 'short' } }), ['admin.token: must NOT have fewer than 32 characters'])
  t.same(problems({ chargebeeLogin: { ...chargebeeLogin, cookieSecret: 'short', extra: 1 } }), [
    'chargebeeLogin.extra: unknown key "extra"',
    'chargebeeLogin.cookieSecret: must NOT have fewer than 32 characters'
  ])
  t.same(problems({ store: { sqlitePath: '' } }), ['store.sqlitePath: must NOT have fewer than 1 characters'])
})

t.test('each section is a named definition of the schema', async t => {
  for (const name of ['store', 'profiles', 'admin', 'connect', 'chargebeeLogin']) {
    t.equal(schemaDefinition(name), configSchema.definitions[name])
    t.equal(configSchema.properties[name].$ref, `#/definitions/${name}`)
  }
})
