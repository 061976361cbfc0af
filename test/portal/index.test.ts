import Fastify from 'fastify'
import t from 'tap'
import portal from '../../src/portal/index.js'
import portalRoutes from '../../src/portal/routes.js'
import { identityConfig } from './harness.js'

t.test('neither identity nor portals: nothing is registered', async t => {
  const app = Fastify({ logger: false })
  await app.register(portal, { config: {} })
  await app.ready()
  t.notOk(app.hasDecorator('identifier'))
  t.notOk(app.hasRequestDecorator('identify'))
})

t.test('identity only: app.identifier and request.identify() are there for other features', async t => {
  const app = Fastify({ logger: false })
  await app.register(portal, { config: { identity: identityConfig } })
  app.get('/me', async request => ({ signedIn: await request.identify() !== null }))
  t.same((await app.inject({ url: '/me' })).json(), { signedIn: false })
  t.equal(app.identifier.returnParam, 'redirect_url')
})

t.test('portals without identity fail at registration with a clear message', async t => {
  const app = Fastify({ logger: false })
  await t.rejects(async () => {
    await app.register(portalRoutes, { portals: {} })
    await app.ready()
  }, /portals need the identity section/)
})
