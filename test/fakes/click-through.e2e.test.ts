// The documented no-Docker click-through, end to end: `node test/fakes/serve.mjs` starts the fake
// providers, the demo app and auth-hooks on test/fakes/portal.yaml; this test follows every link on
// the demo's home page as a browser would (sign in when sent to, come back, land on the portal).
// It runs auth-hooks from the sources (AUTH_HOOKS_CLI) so it tests this checkout, not a stale dist/.
import { once } from 'node:events'
import { createServer } from 'node:net'
import t from 'tap'
import { repoRoot, spawnLogged } from '../helpers.js'

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

t.test('node test/fakes/serve.mjs: every portal link of the demo app leads to its fake portal', async t => {
  const [fakesPort, appPort, authHooksPort] = [await freePort(), await freePort(), await freePort()]
  const run = spawnLogged(process.execPath, [...process.execArgv, 'test/fakes/serve.mjs'], {
    cwd: repoRoot,
    env: { FAKES_PORT: String(fakesPort), DEMO_APP_PORT: String(appPort), PORT: String(authHooksPort), AUTH_HOOKS_CLI: 'src/cli.ts' }
  })
  t.teardown(() => { run.child.kill('SIGKILL') })
  for (;;) {
    if (run.stdout.some(line => line.startsWith('fakes ready:'))) break
    await Promise.race([once(run.child, 'lines'), run.exit.then(code => { throw new Error(`serve.mjs exited ${code}: ${run.stderr()}`) })])
  }
  const appUrl = `http://localhost:${appPort}`
  const authHooksUrl = `http://localhost:${authHooksPort}`
  t.ok(run.stdout.includes(`fakes ready: fake providers on http://localhost:${fakesPort} (bound to 127.0.0.1:${fakesPort}), auth-hooks on ${authHooksUrl}; open the demo app at ${appUrl}`))

  const home = await (await get(`${appUrl}/`)).text()
  const links = [...home.matchAll(/<a href="([^"]+)">([^<]+)<\/a> \(([^)]+)\)/g)].map(match => ({ href: match[1]!, label: match[2]!, provider: match[3]!.toLowerCase() }))
  t.same(links.map(link => link.label), ['Billing', 'Subscriptions', 'Team'])

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
    env: { FAKES_PORT: String(await freePort()), DEMO_APP_PORT: String(await freePort()), PORT: String(port), AUTH_HOOKS_CLI: 'src/cli.ts' }
  })
  t.equal(await run.exit, 1)
  t.match(run.stderr(), `auth-hooks: cannot start: listen EADDRINUSE: address already in use 127.0.0.1:${port}`)
})
