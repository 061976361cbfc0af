// End to end in a real browser: headless Debian Chromium driven by playwright-core signs in on a
// small test app, clicks "Billing" and must land on the fake Stripe portal page, with and without
// the round trip through sign-in. CI installs /usr/bin/chromium (.ci/run); locally the test is
// skipped with a message when it is missing.
import t from 'tap'
import { chromiumMissing, launchChromium, listeningFastify, serveApp, testApp } from '../helpers/browser.js'
import errors from '../../src/http/errors.js'
import { registerUserFeatures } from '../../src/app.js'
import { startFakeProviders } from '../fakes/providers.mjs'
import { KEYS, CONNECTION_ID } from './harness.js'
import { AUDIENCE, HS_SECRET, ISSUER, signToken } from './tokens.js'

t.test('Billing link → sign-in → back → Stripe portal, then straight to the portal once signed in', {
  skip: chromiumMissing,
  timeout: 90_000
}, async t => {
  const fake = await startFakeProviders({ keys: KEYS, customers: ['cus_1'], userhubConnectionId: CONNECTION_ID })
  t.teardown(() => fake.close())

  let authHooksUrl = ''
  // The app: a home page with a Billing link.
  const app = testApp({
    pages: { '/home': () => `<h1>Home</h1><a href="${authHooksUrl}/portal/billing">Billing</a>` },
    signIn: async () => await signToken('auth0|browser', { claims: { stripe_customer: 'cus_1' } }),
    authHooksOrigin: () => authHooksUrl
  })
  const appUrl = await serveApp(t, app)

  // auth-hooks on its own listening server first, so its public URL is known when it is configured.
  const { app: authHooks, url: listeningAt } = await listeningFastify(t)
  authHooksUrl = listeningAt
  await authHooks.register(errors)
  await registerUserFeatures(authHooks, {
    identity: {
      jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, cookie: 'session' },
      signInUrl: `${appUrl}/sign-in`,
      publicUrl: authHooksUrl
    },
    portals: {
      billing: { path: '/portal/billing', provider: 'stripe', stripe: { secretKey: KEYS.stripe, returnUrl: `${appUrl}/home`, customerIdClaim: 'stripe_customer', apiBaseUrl: fake.url } }
    }
  }, {})
  await authHooks.ready()

  const browser = await launchChromium(t)
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
