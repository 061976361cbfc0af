// The floor reference: bare Fastify plus the least code that evaluates the benchmark's generated
// policy (bench/policy.mjs) and gives the same answers as auth-hooks. It reads the same config
// file (FLOOR_CONFIG) and list file, and knows only the rule language that file uses: no decision
// record, metrics, headers, limits, caller checks or reload. What auth-hooks costs on top of it is
// the cost of its machinery. The harness checks that every benchmark body gets the same answer.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const config = JSON.parse(readFileSync(process.env.FLOOR_CONFIG, 'utf8'))

const lists = new Map()
function domainList (file) {
  if (!lists.has(file)) {
    const lines = readFileSync(file, 'utf8').split('\n').map(line => line.trim().toLowerCase())
    lists.set(file, new Set(lines.filter(line => line !== '' && !line.startsWith('#'))))
  }
  return lists.get(file)
}

const lower = (value, ignoreCase) => ignoreCase && typeof value === 'string' ? value.toLowerCase() : value

/** One condition as a closure over the request body; mirrors the semantics in docs/rules.md. */
function compile (when) {
  if (when.all !== undefined) {
    const parts = when.all.map(compile)
    return body => parts.every(test => test(body))
  }
  if (when.any !== undefined) {
    const parts = when.any.map(compile)
    return body => parts.some(test => test(body))
  }
  if (when.provider !== undefined) {
    const providers = [when.provider].flat()
    return body => providers.includes(body.provider)
  }
  if (when.emailDomain !== undefined) {
    const { notIn, subdomains } = when.emailDomain
    const set = domainList(notIn.file)
    return body => {
      const email = body.data?.email
      const at = typeof email === 'string' ? email.lastIndexOf('@') : -1
      if (at < 1 || at === email.length - 1) return true // no domain: never in an allow list
      let domain = email.slice(at + 1).toLowerCase()
      for (;;) {
        if (set.has(domain)) return false
        const dot = domain.indexOf('.')
        if (!subdomains || dot === -1) return true
        domain = domain.slice(dot + 1)
      }
    }
  }
  const path = when.field.split('.')
  const read = body => path.reduce((value, key) => value != null && Object.hasOwn(value, key) ? value[key] : undefined, body)
  const ignoreCase = when.ignoreCase === true
  if (when.in !== undefined) {
    const values = new Set(when.in.map(value => lower(value, ignoreCase)))
    return body => values.has(lower(read(body), ignoreCase))
  }
  if (when.equals !== undefined) {
    const expected = lower(when.equals, ignoreCase)
    return body => lower(read(body), ignoreCase) === expected
  }
  if (when.exists !== undefined) return body => (read(body) != null) === when.exists
  const regex = new RegExp(when.matches ?? when.notMatches, ignoreCase ? 'ui' : 'u')
  const matches = body => typeof read(body) === 'string' && regex.test(read(body))
  return when.matches !== undefined ? matches : body => !matches(body)
}

const app = Fastify({ logger: false })
for (const hook of Object.values(config.hooks)) {
  const rules = hook.rules.map(rule => ({ ...rule, test: compile(rule.when) }))
  app.post(hook.path, async (request, reply) => {
    const roles = []
    for (const rule of rules) {
      if (!rule.test(request.body)) continue
      if (rule.deny !== undefined) return reply.code(rule.deny.status ?? 403).send({ code: rule.deny.code, message: rule.deny.message })
      if (rule.allow === true) return { roles }
      for (const role of rule.roles) if (!roles.includes(role)) roles.push(role)
    }
    if (hook.default === 'deny') return reply.code(403).send({ code: 'denied', message: 'Request denied by policy' })
    return { roles }
  })
}
app.get('/readyz', async () => ({ status: 'ready' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
// Exit cleanly on SIGTERM so `node --cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0))
