import t from 'tap'
import { buildApp } from '../../src/app.js'
import { openApiDocument } from '../../src/cli/openapi.js'
import { kratosRequestSchema } from '../../src/hooks/dialects/kratos.js'
import { main } from '../../src/cli/commands.js'
import { loadOk, writeConfig } from '../helpers.js'

/** Every feature on, so every route the service can serve is there. */
const EVERY_FEATURE = `
identity:
  jwt: { cookie: session, secret: ${'s'.repeat(32)}, issuer: https://app.invalid/, audience: auth-hooks }
  signInUrl: https://app.invalid/sign-in
  publicUrl: https://hooks.invalid
portals:
  billing:
    path: /portal/billing
    provider: stripe
    stripe: { secretKey: sk_test_x, returnUrl: https://app.invalid/, customerIdClaim: stripe_customer }
profiles:
  schema: { type: object, properties: { company: { type: string } } }
admin: { token: ${'a'.repeat(32)} }
connect:
  apiUrl: https://api.unipile.invalid
  apiKey: key
  publicUrl: https://hooks.invalid
  successRedirectUrl: https://app.invalid/ok
  failureRedirectUrl: https://app.invalid/failed
  webhookSecret: ${'w'.repeat(32)}
chargebeeLogin:
  site: demo
  apiKey: key
  publicUrl: https://hooks.invalid
  cookieSecret: ${'c'.repeat(32)}
hooks:
  preSignup: { rules: [] }
  preLogin: { path: /login, dialect: kratos, rules: [] }
`

/** Every route the app serves, as `METHOD /path`, read from Fastify's own route table (HEAD left out). */
async function registeredRoutes (yaml: string): Promise<string[]> {
  const { policy, config } = await loadOk(yaml)
  const app = await buildApp({ policy, config, logger: false, store: { sqlitePath: ':memory:' } })
  await app.ready()
  const table = app.printRoutes({ commonPrefix: false })
  await app.close()
  // A route sharing a prefix with another is printed under it, indented by four characters a level.
  const prefixes: string[] = []
  const routes: string[] = []
  for (const line of table.split('\n')) {
    const match = /^(.*?)(?:├──|└──) (\S+)(?: \(([^)]+)\))?$/.exec(line)
    if (match === null) continue
    const depth = (match[1] as string).length / 4
    const segment = match[2] as string
    const url = `${prefixes.slice(0, depth).join('')}${depth === 0 && !segment.startsWith('/') ? '/' : ''}${segment}`
    prefixes[depth] = url.slice(prefixes.slice(0, depth).join('').length)
    prefixes.length = depth + 1
    for (const method of (match[3] ?? '').split(', ')) if (method !== '' && method !== 'HEAD') routes.push(`${method} ${url}`)
  }
  return routes
}

t.test('the OpenAPI document lists every route with its request and answer schemas', async t => {
  const { policy, config } = await loadOk(EVERY_FEATURE)
  const document = await openApiDocument(policy, config)
  const described = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map(method => `${method.toUpperCase()} ${path}`))
  const routes = (await registeredRoutes(EVERY_FEATURE)).map(route => route.replace(/:(\w+)/g, '{$1}'))
  t.ok(routes.length > 10, `every feature registered its routes (${routes.length})`)
  const expected = routes.filter(route => route !== 'POST /*').concat(['POST /signup-hook', 'POST /login']).sort()
  t.same(described.sort(), expected, 'each route once; the hook wildcard as each configured hook path')
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      t.ok(Object.keys(operation.responses as object).length > 0, `${method} ${path} describes its answers`)
    }
  }
  const signup = document.paths['/signup-hook']?.post as { requestBody: { content: Record<string, { schema: { required: string[] } }> }, responses: Record<string, unknown> }
  t.same(signup.requestBody.content['application/json']?.schema.required, ['provider', 'data'])
  t.ok(signup.responses['200'] !== undefined && signup.responses['4XX'] !== undefined, 'allow and deny answers')
  const login = document.paths['/login']?.post as typeof signup & { summary: string }
  t.same(login.requestBody.content['application/json']?.schema, kratosRequestSchema, 'a dialect hook is described with its system\'s body')
  t.match(login.summary, /kratos dialect/)
})

t.test('auth-hooks openapi prints the document; a bad config is reported instead', async t => {
  const out: string[] = []
  const err: string[] = []
  const io = { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) }, stdin: process.stdin }
  t.equal(await main(['openapi', await writeConfig('hooks:\n  preSignup: { rules: [] }\n')], io), 0)
  const document = JSON.parse(out.join('')) as { openapi: string, info: { title: string }, paths: Record<string, unknown> }
  t.match(document, { openapi: /^3\./, info: { title: 'auth-hooks' } })
  t.ok('/signup-hook' in document.paths && '/healthz' in document.paths)
  t.equal(await main(['openapi', await writeConfig('hooks: {}\n')], io), 1)
  t.match(err.join(''), /problem\(s\) in/)
})
