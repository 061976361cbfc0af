// Issue 16: /readyz reports the store: not ready (503) while the database cannot be reached,
// ready again once it answers. PostgreSQL is reached through a TCP proxy the test can cut.
import { createServer, connect, type Server, type Socket } from 'node:net'
import t from 'tap'
import Fastify from 'fastify'
import { buildApp } from '../../src/app.js'
import healthRoutes, { STORE_PING_TIMEOUT_MS } from '../../src/http/health.js'
import { backends } from '../helpers/backends.js'
import { loadOk } from '../helpers.js'
import { HS_SECRET } from '../portal/tokens.js'

const config = `
identity:
  jwt: { secret: '${HS_SECRET}', issuer: https://id.example.com/, audience: app_123 }
  signInUrl: https://app.example.com/login
profiles:
  schema: { type: object, properties: { name: { type: string } } }
hooks:
  preLogin:
    default: allow
    rules: []
`

/** A TCP proxy to PostgreSQL that can be taken down (connections refused) and brought back on its port. */
class CuttableProxy {
  #server: Server | null = null
  readonly #sockets = new Set<Socket>()
  port = 0
  constructor (readonly target: { host: string, port: number }) {}

  async up (): Promise<void> {
    const server = createServer(client => {
      const upstream = connect(this.target.port, this.target.host)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => {})
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>(resolve => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as { port: number }).port
    this.#server = server
  }

  async down (): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise(resolve => this.#server?.close(resolve))
  }
}

const { list, skipped } = backends()
if (skipped !== null) t.comment(skipped)

for (const backend of list) {
  t.test(`/readyz reports the ${backend.name} store`, async t => {
    t.teardown(() => backend.cleanup())
    const { policy, config: loaded } = await loadOk(config)
    const options = await backend.fresh()
    let proxy: CuttableProxy | null = null
    if (backend.name === 'postgres') {
      const url = new URL(options.databaseUrl as string)
      proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port) })
      await proxy.up()
      url.port = String(proxy.port)
      options.databaseUrl = url.href
    }
    const app = await buildApp({ policy, config: loaded, logger: false, store: options })
    t.teardown(async () => { await app.close(); await proxy?.down() })
    const ready = await app.inject('/readyz')
    t.equal(ready.statusCode, 200)
    t.match(ready.json(), { status: 'ready', store: { ok: true, backend: backend.name } })
    if (proxy === null) return

    await proxy.down()
    const down = await app.inject('/readyz')
    t.equal(down.statusCode, 503, 'not ready while the database cannot be reached')
    t.same(down.json().store, { ok: false, backend: 'postgres', error: 'unreachable' })
    t.equal(down.json().status, 'unavailable')
    t.notMatch(down.body, /127\.0\.0\.1|ECONNREFUSED/, 'no driver detail in the answer')
    t.equal((await app.inject('/healthz')).statusCode, 200, 'still alive: only readiness fails')

    await proxy.up()
    const back = await app.inject('/readyz')
    t.equal(back.statusCode, 200, 'ready again once it answers')
  })
}

t.test('a store that does not answer in time is not ready', async t => {
  const app = Fastify({ logger: false })
  app.decorate('policies', { current: { version: 'v' }, failure: null } as never)
  app.decorate('store', { backend: 'postgres', ping: () => new Promise(() => {}) } as never)
  await app.register(healthRoutes)
  t.teardown(() => app.close())
  const started = Date.now()
  const res = await app.inject('/readyz')
  t.equal(res.statusCode, 503)
  t.same(res.json().store, { ok: false, backend: 'postgres', error: 'timeout' })
  t.ok(Date.now() - started >= STORE_PING_TIMEOUT_MS - 50)
})
