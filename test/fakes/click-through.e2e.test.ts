// The documented no-Docker click-through, end to end: `node test/fakes/serve.mjs` starts the fakes
// (portal APIs, Unipile, Chargebee login), the demo app and auth-hooks on test/fakes/portal.yaml;
// this test follows every flow from the demo's home page as a browser would, over real ports
// (sign in when sent to, come back, land where the flow ends) and checks what the user sees.
// It runs auth-hooks from the sources (AUTH_HOOKS_CLI) so it tests this checkout, not a stale dist/.
import { once } from 'node:events'
import { createServer } from 'node:net'
import t from 'tap'
import { repoRoot, spawnLogged } from '../helpers.js'
import { Browser, textOf, type Page } from './browser.js'

t.setTimeout(300_000)

async function freePort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

async function get (url: string, cookie?: string): Promise<Response> {
  return await fetch(url, { redirect: 'manual', ...(cookie === undefined ? {} : { headers: { cookie } }) })
}

/** The demo app's list of connected accounts: [account id, status, has a Reconnect link]. */
function accountsOn (page: Page): Array<[string, string, boolean]> {
  return [...page.html.matchAll(/<li><span class="account">([^<]+)<\/span>: <span class="status">([^<]+)<\/span>( <a [^>]*>Reconnect<\/a>)?<\/li>/g)]
    .map(match => [match[1]!, match[2]!, match[3] !== undefined])
}

t.test('node test/fakes/serve.mjs: every flow of the demo app, clicked through', async t => {
  const [fakesPort, appPort, authHooksPort, unipilePort, chargebeePort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()]
  const run = spawnLogged(process.execPath, [...process.execArgv, 'test/fakes/serve.mjs'], {
    cwd: repoRoot,
    env: {
      FAKES_PORT: String(fakesPort),
      DEMO_APP_PORT: String(appPort),
      FAKE_UNIPILE_PORT: String(unipilePort),
      FAKE_CHARGEBEE_PORT: String(chargebeePort),
      PORT: String(authHooksPort),
      AUTH_HOOKS_CLI: 'src/cli.ts',
      // The demo keeps its state in memory, whatever the environment says.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never'
    }
  })
  t.teardown(() => { run.child.kill('SIGKILL') })
  for (;;) {
    if (run.stdout.some(line => line.startsWith('fakes ready:'))) break
    await Promise.race([once(run.child, 'lines'), run.exit.then(code => { throw new Error(`serve.mjs exited ${code}: ${run.stderr()}`) })])
  }
  const appUrl = `http://localhost:${appPort}`
  const authHooksUrl = `http://localhost:${authHooksPort}`
  const unipileUrl = `http://localhost:${unipilePort}`
  const chargebeeUrl = `http://localhost:${chargebeePort}`
  t.ok(run.stdout.includes(`fakes ready: fake providers on http://localhost:${fakesPort} (bound to 127.0.0.1:${fakesPort}), auth-hooks on ${authHooksUrl}; open the demo app at ${appUrl}`))
  t.ok(run.stdout.includes(`fakes: fake Unipile on ${unipileUrl}, fake Chargebee login on ${chargebeeUrl} (sign in as demo@example.com)`))

  const home = await (await get(`${appUrl}/`)).text()
  const portals = home.slice(home.indexOf('<h2>Portals</h2>'), home.indexOf('<h2>Your account</h2>'))
  const links = [...portals.matchAll(/<a href="([^"]+)">([^<]+)<\/a> \(([^)]+)\)/g)].map(match => ({ href: match[1]!, label: match[2]!, provider: match[3]!.toLowerCase() }))
  t.same(links.map(link => link.label), ['Billing', 'Subscriptions', 'Team'])

  await t.test('portals: each link leads to its fake portal', async t => {
    for (const link of links) {
      t.ok(link.href.startsWith(`${authHooksUrl}/`), `${link.label} points at auth-hooks`)
      const signIn = await get(link.href)
      t.equal(signIn.status, 302, `${link.label}: not signed in yet`)
      const signInUrl = new URL(signIn.headers.get('location')!)
      t.equal(`${signInUrl.origin}${signInUrl.pathname}`, `${appUrl}/sign-in`)
      t.equal(signInUrl.searchParams.get('redirect_url'), link.href, 'the way back is the link clicked')

      const form = await (await get(signInUrl.href)).text()
      const action = /<form method="post" action="([^"]+)"/.exec(form)![1]!
      const signedIn = await fetch(new URL(action, appUrl), { method: 'POST', redirect: 'manual' })
      t.equal(signedIn.status, 303)
      t.equal(signedIn.headers.get('location'), link.href)
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!

      const portal = await get(link.href, cookie)
      t.equal(portal.status, 302, `${link.label}: a portal session was created`)
      const portalUrl = portal.headers.get('location')!
      t.match(portalUrl, new RegExp(`^http://localhost:${fakesPort}/portal/${link.provider}/[\\w-]+$`))
      const page = await get(portalUrl)
      t.equal(page.status, 200, `${link.label}: the fake ${link.provider} portal opens`)
      await page.text()
    }
  })

  await t.test('profile: sign in, save a profile (registration callback), read it back, sign out', async t => {
    const browser = new Browser()
    let page = await browser.click(await browser.go(`${appUrl}/`), 'Profile')
    t.match(textOf(page, 'signed-out'), /^Not signed in/, 'signed out, the profile page says so')
    page = await browser.click(page, 'Sign in')
    t.equal(page.url.href, `${appUrl}/sign-in?redirect_url=%2Fprofile`)
    page = await browser.submit(page, 'Sign in as demo-user')
    t.equal(page.url.href, `${appUrl}/profile`, 'back on the profile page')
    t.equal(textOf(page, 'profile'), 'Signed in; no profile saved yet.')

    page = await browser.submit(page, 'Save profile', { name: '' })
    t.equal(page.status, 400, 'the schema refuses an empty name')
    t.match(textOf(page, 'problems'), 'Not saved (400 invalid-profile):/name must NOT have fewer than 1 characters')

    page = await browser.submit(page, 'Save profile', { name: 'Ada Lovelace', company: 'Analytical Engines' })
    t.same([page.url.href, page.status], [`${appUrl}/profile`, 200])
    t.equal(textOf(page, 'profile'), 'Saved for demo-user: name Ada Lovelace, company Analytical Engines')
    t.match(JSON.parse(textOf(page, 'admin')!), { userId: 'demo-user', profile: { name: 'Ada Lovelace', company: 'Analytical Engines' } }, 'the back end reads it with the admin token')
    page = await browser.go(`${appUrl}/profile`)
    t.equal(textOf(page, 'profile'), 'Saved for demo-user: name Ada Lovelace, company Analytical Engines', 'still there on a reload')

    page = await browser.submit(await browser.go(`${appUrl}/`), 'Sign out')
    t.same([page.url.href, textOf(page, 'signed-out')], [`${appUrl}/sign-out`, 'Signed out.'])
    t.notOk(browser.cookies.has('session'), 'the demo session cookie is gone')
    t.match(textOf(await browser.go(`${appUrl}/profile`), 'signed-out'), /^Not signed in/)
  })

  await t.test('connect: "Connect LinkedIn", the hosted wizard, the account listed; expired credentials, reconnect', async t => {
    const browser = new Browser()
    let page = await browser.click(await browser.go(`${appUrl}/`), 'Connect LinkedIn')
    t.equal(`${page.url.origin}${page.url.pathname}`, `${appUrl}/sign-in`, 'sent to sign in first')
    page = await browser.submit(page, 'Sign in as demo-user')
    t.match(page.url.href, new RegExp(`^${unipileUrl}/wizard/\\d+$`), 'then to the Unipile wizard')
    t.equal(textOf(page, 'wizard'), 'Connect create')
    t.match(page.html, 'connect a LINKEDIN account')
    page = await browser.submit(page, 'Connect')
    t.equal(page.url.href, `${appUrl}/accounts?connected=1`, 'Unipile sends the user back to successRedirectUrl')
    t.equal(textOf(page, 'result'), 'Connected')
    const [account, ...others] = accountsOn(page)
    t.same(others, [], 'one account')
    t.match(account, [/^[A-Za-z0-9_-]{22}$/, 'CREATION_SUCCESS', false], 'listed, as notify recorded it')
    const accountId = account![0]

    page = await browser.click(page, 'fake Unipile')
    t.equal(page.url.href, `${unipileUrl}/`)
    page = await browser.submit(page, `Expire credentials of ${accountId}`)
    t.equal(page.url.href, `${unipileUrl}/`, 'the webhook was accepted')
    page = await browser.go(`${appUrl}/accounts`)
    t.same(accountsOn(page), [[accountId, 'CREDENTIALS', true]], 'the status webhook reached auth-hooks: reconnect offered')
    page = await browser.click(page, 'Reconnect')
    t.equal(textOf(page, 'wizard'), 'Connect reconnect')
    t.match(page.html, `connect account ${accountId} again`)
    page = await browser.submit(page, 'Connect')
    t.equal(page.url.href, `${appUrl}/accounts?connected=1`)
    t.same(accountsOn(page), [[accountId, 'RECONNECTED', false]], 'the same account, reconnected')
  })

  await t.test('Chargebee login: the portal login page, back with a session, the profile as that customer, sign out', async t => {
    const browser = new Browser()
    let page = await browser.click(await browser.go(`${appUrl}/`), 'Sign in with Chargebee')
    t.equal(`${page.url.origin}${page.url.pathname}`, `${chargebeeUrl}/portal/login`, 'on the (fake) Chargebee portal login')
    t.equal(page.url.searchParams.get('return_url'), `${authHooksUrl}/auth/chargebee/return`)
    t.equal(textOf(page, 'login'), 'Fake Chargebee: sign in to your account')
    t.equal((await browser.click(page, 'Cancel')).url.href, `${appUrl}/`, 'Cancel goes back to the app (cancelUrl)')

    const refused = await browser.submit(page, 'Sign in', { email: 'nobody@example.com' })
    t.same([refused.status, textOf(refused, 'error')], [401, 'No customer with the email nobody@example.com.'])
    page = await browser.submit(page, 'Sign in')
    t.equal(page.url.href, `${appUrl}/profile`, 'back through auth-hooks to ?next=')
    const returned = browser.visited.find(url => url.pathname === '/auth/chargebee/return')!
    t.ok(returned.searchParams.get('auth_session_id') !== null && returned.searchParams.get('auth_session_token') !== null, 'Chargebee returned an auth session')
    t.ok(browser.cookies.has('auth_hooks_session'), 'auth-hooks set its session cookie')
    t.equal(textOf(page, 'profile'), 'Signed in; no profile saved yet.', 'signed in, as the Chargebee customer')
    page = await browser.submit(page, 'Save profile', { name: 'Charlie' })
    t.equal(textOf(page, 'profile'), 'Saved for cus_demo: name Charlie, company ', '/users/me is the customer\'s')

    const replayed = await new Browser().go(returned)
    t.same([replayed.status, /Sign-in failed/.test(replayed.html)], [401, true], 'the return link works once')

    page = await browser.submit(await browser.go(`${appUrl}/`), 'Sign out')
    t.same([page.url.href, textOf(page, 'signed-out')], [`${appUrl}/sign-out`, 'Signed out.'], 'logout lands on afterLogoutUrl')
    t.notOk(browser.cookies.has('auth_hooks_session'), 'the session cookie is cleared')
    t.match(textOf(await browser.go(`${appUrl}/profile`), 'signed-out'), /^Not signed in/)
  })

  run.child.kill('SIGTERM')
  t.equal(await run.exit, 0, 'SIGTERM stops auth-hooks and the fakes')
})

t.test('serve.mjs stops at once when auth-hooks cannot start', async t => {
  const port = await freePort()
  const blocker = createServer().listen(port, '127.0.0.1')
  await once(blocker, 'listening')
  t.teardown(() => { blocker.close() })
  const run = spawnLogged(process.execPath, [...process.execArgv, 'test/fakes/serve.mjs'], {
    cwd: repoRoot,
    env: {
      FAKES_PORT: String(await freePort()),
      DEMO_APP_PORT: String(await freePort()),
      FAKE_UNIPILE_PORT: String(await freePort()),
      FAKE_CHARGEBEE_PORT: String(await freePort()),
      PORT: String(port),
      AUTH_HOOKS_CLI: 'src/cli.ts'
    }
  })
  t.equal(await run.exit, 1)
  t.match(run.stderr(), `auth-hooks: cannot start: listen EADDRINUSE: address already in use 127.0.0.1:${port}`)
})
