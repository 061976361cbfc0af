// Runs the fake providers, a tiny demo app (home page with portal links, a sign-in page that sets a
// JWT cookie) and auth-hooks on test/fakes/portal.yaml, so the portal flow can be clicked through
// locally without real keys. One command, with or without Docker:
//   npm ci && npm run build && node test/fakes/serve.mjs      (then open http://localhost:4012)
//   docker compose --profile fakes up                         (the same, in the image)
// Ports: FAKES_PORT (4010), DEMO_APP_PORT (4012), PORT (3001: auth-hooks; the default service of
// docker-compose.yml has 3000). test/fakes/click-through.test.ts clicks through every link.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { SignJWT } from 'jose'
import { startFakeProviders } from './providers.mjs'

const root = new URL('../../', import.meta.url)
const env = process.env
const host = env.FAKES_HOST ?? '127.0.0.1'
const port = Number(env.FAKES_PORT ?? 4010)
const appPort = Number(env.DEMO_APP_PORT ?? 4012)
const authHooksPort = Number(env.PORT ?? 3001)
const publicUrl = env.FAKES_PUBLIC_URL ?? `http://localhost:${port}`
const appUrl = env.DEMO_APP_URL ?? `http://localhost:${appPort}`
const authHooksUrl = env.AUTH_HOOKS_URL ?? `http://localhost:${authHooksPort}`
const jwtSecretText = env.DEMO_JWT_SECRET ?? 'demo-secret-for-the-fakes-profile-only!!'
const jwtSecret = new TextEncoder().encode(jwtSecretText)
const keys = {
  userhub: env.USERHUB_ADMIN_KEY ?? 'uh_fake_admin_key',
  chargebee: env.CHARGEBEE_API_KEY ?? 'test_fake_chargebee_key',
  stripe: env.STRIPE_SECRET_KEY ?? 'sk_test_fake'
}
// The compiled CLI; the click-through test runs the sources instead (AUTH_HOOKS_CLI=src/cli.ts).
const cli = new URL(env.AUTH_HOOKS_CLI ?? 'dist/cli.js', root)
if (!existsSync(cli)) {
  process.stderr.write(`serve.mjs: ${cli.pathname} is missing: run \`npm run build\` first\n`)
  process.exit(1)
}

const fake = await startFakeProviders({
  host,
  port,
  publicUrl,
  keys,
  customers: ['demo-user', 'cus_demo'],
  userhubConnectionId: env.USERHUB_CONNECTION_ID ?? 'conn_fake'
})

function page (response, status, body, headers = {}) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers })
  response.end(`<!doctype html><meta charset="utf-8"><title>Demo app</title>${body}`)
}

const app = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', appUrl)
  const back = url.searchParams.get('redirect_url') ?? '/'
  if (request.method === 'POST' && url.pathname === '/sign-in') {
    const token = await new SignJWT({ sub: 'demo-user', stripe_customer: 'cus_demo' })
      .setProtectedHeader({ alg: 'HS256' }).setIssuer('https://demo.invalid/').setAudience('auth-hooks-demo')
      .setIssuedAt().setExpirationTime('1h').sign(jwtSecret)
    // Only ever back to auth-hooks or this app.
    const location = back.startsWith(`${authHooksUrl}/`) ? back : '/'
    response.writeHead(303, { location, 'set-cookie': `session=${token}; Path=/; HttpOnly; SameSite=Lax` })
    return response.end()
  }
  if (url.pathname === '/sign-in') {
    return page(response, 200, `<h1>Sign in</h1><form method="post" action="/sign-in?redirect_url=${encodeURIComponent(back)}"><button>Sign in as demo-user</button></form>`)
  }
  if (url.pathname === '/sign-out') return page(response, 200, '<p>Signed out. <a href="/">Home</a></p>', { 'set-cookie': 'session=; Path=/; Max-Age=0' })
  return page(response, 200, `<h1>Demo app</h1><ul>
<li><a href="${authHooksUrl}/portal/billing">Billing</a> (Stripe)</li>
<li><a href="${authHooksUrl}/portal/chargebee">Subscriptions</a> (Chargebee)</li>
<li><a href="${authHooksUrl}/userhub?portalUrl=/%7BaccountId%7D/billing">Team</a> (UserHub)</li>
</ul><p><a href="/sign-out">Sign out</a></p>`)
})
app.listen(appPort, host)

// auth-hooks itself, on the fakes' config; its logs go to this process's output.
const authHooks = spawn(process.execPath, [...process.execArgv, cli.pathname, 'serve'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...env,
    AUTH_HOOKS_CONFIG: 'test/fakes/portal.yaml',
    HOST: host,
    PORT: String(authHooksPort),
    FAKES_API: `http://127.0.0.1:${port}`,
    DEMO_APP_URL: appUrl,
    AUTH_HOOKS_URL: authHooksUrl,
    DEMO_JWT_SECRET: jwtSecretText,
    STRIPE_SECRET_KEY: keys.stripe,
    CHARGEBEE_API_KEY: keys.chargebee,
    USERHUB_ADMIN_KEY: keys.userhub
  }
})
let stopping = false
async function stop (code) {
  stopping = true
  app.close()
  await fake.close()
  process.exit(code)
}
// auth-hooks failing to start (or dying) ends the whole demo, with its exit code.
authHooks.on('exit', code => { if (!stopping) stop(code ?? 1) })
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopping = true
    authHooks.once('exit', () => stop(0))
    authHooks.kill('SIGTERM')
  })
}

for (;;) {
  const ready = await fetch(`http://127.0.0.1:${authHooksPort}/readyz`).then(response => response.ok, () => false)
  if (ready) break
  await new Promise(resolve => setTimeout(resolve, 100))
}
process.stdout.write(`fakes ready: fake providers on ${fake.url} (bound to ${host}:${port}), auth-hooks on ${authHooksUrl}; open the demo app at ${appUrl}\n`)
