import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { appFromText, shippedApp } from '../helpers/apps.js'

/** A policy that uses every condition kind and every field test. */
const EVERY_CONDITION = `
caller: { none: true }
limits: { fieldLength: 64 }
hooks:
  preSignup:
    default: { deny: { status: 422, code: no-rule, message: nothing matched, detail: { hint: [1, true] } } }
    rules:
      - name: nested
        when:
          all:
            - provider: [email, username, google]
            - any:
                - not: { field: data.username, exists: false }
                - field: data.profile.email
                  matches: '^[^@\\s]+@[a-z.]+$'
                  ignoreCase: true
            - not:
                field: data.username
                notMatches: '^[a-z][a-z0-9_.-]{2,31}$'
        roles: [checked]
      - name: lengths
        when: { field: data.username, minLength: 3, maxLength: 10 }
        roles: [short-name]
      - name: values
        when:
          any:
            - { field: data.accountType, equals: merchant }
            - { field: data.accountType, in: [admin, 1, true, null], ignoreCase: true }
            - { field: data.tags.0, exists: true, notIn: [a, b] }
            - { field: provider, equals: github }
        allow: true
      - name: email-in
        when: { emailDomain: { in: [company.com, bücher.example], subdomains: true } }
        allow: true
      - name: email-not-in-file
        when: { emailDomain: { notIn: { file: allowed.txt }, field: data.profile.email } }
        deny: { code: bad-domain, message: not allowed }
  preLogin:
    rules:
      - name: anything
        when: { provider: email }
        deny: { status: 401, code: no-email-login, message: no }
`

interface Answer { status: number, body: unknown, ms: number }

async function post (app: FastifyInstance, url: string, payload: string): Promise<Answer> {
  const started = performance.now()
  const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
  return { status: res.statusCode, body: res.json(), ms: performance.now() - started }
}

function wellFormed (answer: Answer): boolean {
  if (answer.status >= 500 || answer.ms > 2_000) return false
  const body = answer.body as Record<string, unknown>
  return answer.status === 200 ? Array.isArray(body.roles) : typeof body.code === 'string' && typeof body.message === 'string'
}

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ maxLength: 3_000 }),
  fc.constantFrom('', 'a@company.com', 'x@sub.company.com', 'ü@bücher.example', 'a@@b', '"a@b"@c.d', ' admin ', 'MERCHANT')
)
const fieldValue = fc.oneof(text, fc.jsonValue({ maxDepth: 3 }))
const hookBody = fc.record({
  provider: fc.oneof(text, fc.constantFrom('email', 'username', 'google', 'github')),
  data: fc.record({
    username: fieldValue,
    email: fieldValue,
    accountType: fieldValue,
    tags: fc.oneof(fc.array(fieldValue, { maxLength: 3 }), fieldValue),
    profile: fc.oneof(fc.record({ email: fieldValue }, { requiredKeys: [] }), fieldValue)
  }, { requiredKeys: [] })
})

const apps: Array<[string, Promise<FastifyInstance>]> = [
  ['shipped policy', shippedApp()],
  ['every condition kind', appFromText(EVERY_CONDITION, { files: { 'allowed.txt': 'company.com\nxn--bcher-kva.example\n' } })]
]

for (const [name, pending] of apps) {
  t.test(`${name}: no input produces a 5xx, a crash or a hang`, async t => {
    const app = await pending
    t.teardown(() => app.close())
    for (const url of ['/signup-hook', '/login-hook']) {
      await fc.assert(fc.asyncProperty(fc.jsonValue(), async body => wellFormed(await post(app, url, JSON.stringify(body)))), { numRuns: 150 })
      await fc.assert(fc.asyncProperty(hookBody, async body => wellFormed(await post(app, url, JSON.stringify(body)))), { numRuns: 300 })
      await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async raw => wellFormed(await post(app, url, raw))), { numRuns: 100 })
    }
    t.pass('every property held')
  })
}

t.test('the every-condition policy does decide (the fuzzing reaches the rules)', async t => {
  const app = await appFromText(EVERY_CONDITION, { files: { 'allowed.txt': 'company.com\n' } })
  t.teardown(() => app.close())
  const decide = async (body: unknown): Promise<unknown> => (await post(app, '/signup-hook', JSON.stringify(body))).body
  t.same(await decide({ provider: 'email', data: { username: 'alice' } }), { code: 'bad-domain', message: 'not allowed' })
  t.same(await decide({ provider: 'email', data: { email: 'a@x.company.com' } }), { roles: [] })
  t.same(await decide({ provider: 'github', data: { username: 'alice' } }), { roles: ['short-name'] }, 'github is not in the provider list')
  t.same(await decide({ provider: 'email', data: { username: 'bob', email: 'b@company.com', tags: ['c'] } }), { roles: ['checked', 'short-name'] })
  t.same(await decide({ provider: 'email', data: { profile: { email: 'a@company.com' } } }), { code: 'no-rule', message: 'nothing matched', detail: { hint: [1, true] } })
  t.equal((await decide({ provider: 'email', data: { username: 'a'.repeat(65) } }) as { code: string }).code, 'field-too-long')
})
