import Fastify from 'fastify'
import t from 'tap'
import identityServices from '../../src/identity/index.js'
import portalRoutes from '../../src/portal/routes.js'
import { identityConfig } from '../portal/harness.js'

t.test('no identity section: no identifier, and no signed-in users without a store', async t => {
  const app = Fastify({ logger: false })
  await app.register(identityServices, { config: {}, withStore: false })
  await app.ready()
  t.notOk(app.hasDecorator('identifier'))
  t.notOk(app.hasRequestDecorator('identify'))
  t.notOk(app.hasRequestDecorator('signedInUser'))
  t.equal(app.loginSessions, null)
})

t.test('identity only: app.identifier and request.identify() are there for the features', async t => {
  const app = Fastify({ logger: false })
  await app.register(identityServices, { config: { identity: identityConfig }, withStore: false })
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
