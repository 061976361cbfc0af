// End to end in a real browser: headless Debian Chromium driven by playwright-core signs in on a
// small test app, clicks "Billing" and must land on the fake Stripe portal page, with and without
// the round trip through sign-in. CI installs /usr/bin/chromium (.ci/run); locally the test is
// skipped with a message when it is missing.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { chromium } from 'playwright-core'
import t from 'tap'
import errors from '../../src/errors.js'
import portal from '../../src/portal/index.js'
import { startFakeProviders } from '../fakes/providers.mjs'
import { KEYS, CONNECTION_ID } from './harness.js'
import { AUDIENCE, HS_SECRET, ISSUER, signToken } from './tokens.js'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

async function listen (server: ReturnType<typeof createServer>): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The app being integrated: a home page with a Billing link and a sign-in page that sets the JWT cookie. */
function testApp (portalUrl: () => string, authHooksOrigin: () => string) {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://app.invalid')
    const html = (body: string): void => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(`<!doctype html><title>Test app</title>${body}`)
    }
    if (request.method === 'GET' && url.pathname === '/home') {
      return html(`<h1>Home</h1><a href="${portalUrl()}">Billing</a>`)
    }
    if (request.method === 'GET' && url.pathname === '/sign-in') {
      const back = url.searchParams.get('redirect_url') ?? '/home'
      return html(`<h1>Sign in</h1><form method="post" action="/sign-in?redirect_url=${encodeURIComponent(back)}"><button>Sign in</button></form>`)
    }
    if (request.method === 'POST' && url.pathname === '/sign-in') {
      const back = url.searchParams.get('redirect_url') ?? '/home'
      // The test app only sends users back to itself or to auth-hooks.
      const location = back.startsWith(`${authHooksOrigin()}/`) ? back : '/home'
      signToken('auth0|browser', { claims: { stripe_customer: 'cus_1' } }).then(token => {
        response.writeHead(303, { location, 'set-cookie': `session=${token}; Path=/; HttpOnly; SameSite=Lax` })
        response.end()
      }, /* c8 ignore next */ error => response.destroy(error))
      return
    }
    response.writeHead(404).end()
  })
}

t.test('Billing link → sign-in → back → Stripe portal, then straight to the portal once signed in', {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser test; CI installs it`,
  timeout: 90_000
}, async t => {
  const fake = await startFakeProviders({ keys: KEYS, customers: ['cus_1'], userhubConnectionId: CONNECTION_ID })
  t.teardown(() => fake.close())

  let authHooksUrl = ''
  const app = testApp(() => `${authHooksUrl}/portal/billing`, () => authHooksUrl)
  const appUrl = await listen(app)
  t.teardown(() => {
    app.closeAllConnections()
    app.close()
  })

  // auth-hooks on its own listening server first, so its public URL is known when it is configured.
  let authHooksServer: ReturnType<typeof createServer> | undefined
  const authHooks = Fastify({
    logger: false,
    serverFactory: handler => {
      authHooksServer = createServer(handler)
      return authHooksServer
    }
  })
  authHooksUrl = await listen(authHooksServer as ReturnType<typeof createServer>)
  t.teardown(async () => {
    await authHooks.close()
    authHooksServer?.closeAllConnections()
    authHooksServer?.close()
  })
  await authHooks.register(errors)
  await authHooks.register(portal, {
    config: {
      identity: {
        jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, cookie: 'session' },
        signInUrl: `${appUrl}/sign-in`,
        publicUrl: authHooksUrl
      },
      portals: {
        billing: { path: '/portal/billing', provider: 'stripe', stripe: { secretKey: KEYS.stripe, returnUrl: `${appUrl}/home`, customerIdClaim: 'stripe_customer', apiBaseUrl: fake.url } }
      }
    }
  })
  await authHooks.ready()

  const userDataDir = await mkdtemp(join(tmpdir(), 'auth-hooks-chromium-'))
  const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
  t.teardown(async () => {
    await browser.close()
    await rm(userDataDir, { recursive: true, force: true })
  })
  const page = await browser.newPage()

  await page.goto(`${appUrl}/home`)
  await page.getByRole('link', { name: 'Billing' }).click()
  await page.waitForURL(url => url.pathname === '/sign-in')
  t.equal(new URL(page.url()).searchParams.get('redirect_url'), `${authHooksUrl}/portal/billing`, 'sign-in gets the full URL to come back to')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(url => url.pathname.startsWith('/portal/stripe/'))
  t.equal(await page.locator('#portal').textContent(), 'Fake stripe portal')
  t.equal(await page.locator('#account').textContent(), 'cus_1')
  t.equal(fake.requests.length, 1)

  await page.goto(`${appUrl}/home`)
  await page.getByRole('link', { name: 'Billing' }).click()
  await page.waitForURL(url => url.pathname.startsWith('/portal/stripe/'))
  t.equal(await page.locator('#portal').textContent(), 'Fake stripe portal', 'signed in: no sign-in page on the way')
  t.equal(fake.requests.length, 2)
})
