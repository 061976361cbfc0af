// End to end in a real browser (headless Debian Chromium via playwright-core, as in
// test/portal/browser.e2e.test.ts): "Connect LinkedIn" in the app → sign-in → auth-hooks /connect →
// the (fake) Unipile wizard → Unipile notifies auth-hooks → back on the app; then the account
// loses its credentials, and the reconnect link from /me/accounts brings it back.
import t from 'tap'
import { chromiumMissing, launchChromium, listeningFastify, serveApp, testApp } from '../helpers/browser.js'
import errors from '../../src/http/errors.js'
import type { ConnectConfig } from '../../src/config/types.js'
import { registerUserFeatures } from '../../src/app.js'
import { AUDIENCE, HS_SECRET, ISSUER, signToken } from '../portal/tokens.js'
import { API_KEY, FakeUnipile } from '../fakes/unipile.mjs'

const WEBHOOK_SECRET = 'browser-webhook-secret-0123'

t.test('connect an account in the browser and come back; reconnect it after CREDENTIALS', {
  skip: chromiumMissing,
  timeout: 90_000
}, async t => {
  const unipile = new FakeUnipile({ wizard: true })
  const unipileUrl = await unipile.start()
  t.teardown(() => unipile.close())

  let authHooksUrl = ''
  // The app: a page with a "Connect LinkedIn" link and the page Unipile sends users back to.
  const app = testApp({
    pages: {
      '/home': () => `<h1>Home</h1><a href="${authHooksUrl}/connect?providers=LINKEDIN">Connect LinkedIn</a>`,
      '/accounts': url => `<h1 id="result">${url.searchParams.has('connected') ? 'Connected' : 'Failed'}</h1><a href="${authHooksUrl}/me/accounts">My accounts</a>`
    },
    signIn: async () => await signToken('user_browser'),
    authHooksOrigin: () => authHooksUrl
  })
  const appUrl = await serveApp(t, app)

  // auth-hooks on its own listening server first, so its public URL is known when it is configured.
  const { app: authHooks, url: listeningAt } = await listeningFastify(t)
  authHooksUrl = listeningAt
  const identity = {
    jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, cookie: 'session' },
    signInUrl: `${appUrl}/sign-in`,
    publicUrl: authHooksUrl
  }
  const connect: ConnectConfig = {
    apiUrl: unipileUrl,
    apiKey: API_KEY,
    publicUrl: authHooksUrl,
    providers: ['LINKEDIN', 'WHATSAPP'],
    successRedirectUrl: `${appUrl}/accounts?connected=1`,
    failureRedirectUrl: `${appUrl}/accounts?failed=1`,
    webhookSecret: WEBHOOK_SECRET
  }
  await authHooks.register(errors)
  await registerUserFeatures(authHooks, { identity, connect }, { sqlitePath: ':memory:' })
  await authHooks.ready()

  const browser = await launchChromium(t)
  const page = await browser.newPage()
  const myAccounts = async (): Promise<Array<Record<string, unknown>>> => {
    await page.goto(`${authHooksUrl}/me/accounts`)
    return JSON.parse(await page.locator('body').innerText()).accounts
  }

  await page.goto(`${appUrl}/home`)
  await page.getByRole('link', { name: 'Connect LinkedIn' }).click()
  await page.waitForURL(url => url.pathname === '/sign-in')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(url => url.pathname.startsWith('/wizard/'))
  t.equal(await page.locator('#wizard').textContent(), 'Connect create', 'on the Unipile wizard after signing in')
  t.same(unipile.requests.at(-1)?.body.providers, ['LINKEDIN'])
  t.equal(unipile.requests.at(-1)?.body.name, 'user_browser')
  await page.getByRole('button', { name: 'Connect' }).click()
  await page.waitForURL(url => url.pathname === '/accounts')
  t.equal(await page.locator('#result').textContent(), 'Connected', 'back in the app')
  const [account] = await myAccounts()
  t.match(account, { accountId: /^[A-Za-z0-9_-]{22}$/, status: 'CREATION_SUCCESS', needsReconnect: false }, 'an account id as Unipile makes them')
  const accountId = account?.accountId as string

  const webhook = await fetch(`${authHooksUrl}/connect/webhook`, {
    method: 'POST',
    headers: { 'unipile-auth': WEBHOOK_SECRET },
    body: JSON.stringify({ AccountStatus: { account_id: accountId, account_type: 'LINKEDIN', message: 'CREDENTIALS' } })
  })
  t.equal(webhook.status, 200, 'a webhook posted as text/plain (no JSON content type) is accepted')
  const [stale] = await myAccounts()
  t.match(stale, { needsReconnect: true, reconnectUrl: `/connect/reconnect?account=${accountId}` })

  await page.goto(`${authHooksUrl}${stale?.reconnectUrl as string}`)
  await page.waitForURL(url => url.pathname.startsWith('/wizard/'))
  t.equal(await page.locator('#wizard').textContent(), 'Connect reconnect')
  await page.getByRole('button', { name: 'Connect' }).click()
  await page.waitForURL(url => url.pathname === '/accounts')
  const accounts = await myAccounts()
  t.equal(accounts.length, 1)
  t.match(accounts[0], { accountId, status: 'RECONNECTED', needsReconnect: false })
})
