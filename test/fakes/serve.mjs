// Runs the fake providers and a tiny demo app (home page with portal links, a sign-in page that sets
// a JWT cookie) so the portal flow can be clicked through locally without real keys:
//   npm ci && npm run build && docker compose --profile fakes up
// or without docker: node test/fakes/serve.mjs, then auth-hooks with test/fakes/portal.yaml.
import { createServer } from 'node:http'
import { SignJWT } from 'jose'
import { startFakeProviders } from './providers.mjs'

const env = process.env
const host = env.FAKES_HOST ?? '127.0.0.1'
const port = Number(env.FAKES_PORT ?? 4010)
const appPort = Number(env.DEMO_APP_PORT ?? 4012)
const publicUrl = env.FAKES_PUBLIC_URL ?? `http://localhost:${port}`
const appUrl = env.DEMO_APP_URL ?? `http://localhost:${appPort}`
const authHooksUrl = env.AUTH_HOOKS_URL ?? 'http://localhost:3000'
const jwtSecret = new TextEncoder().encode(env.DEMO_JWT_SECRET ?? 'demo-secret-for-the-fakes-profile-only!!')

const fake = await startFakeProviders({
  host,
  port,
  publicUrl,
  keys: {
    userhub: env.USERHUB_ADMIN_KEY ?? 'uh_fake_admin_key',
    chargebee: env.CHARGEBEE_API_KEY ?? 'test_fake_chargebee_key',
    stripe: env.STRIPE_SECRET_KEY ?? 'sk_test_fake'
  },
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

process.stdout.write(`fake providers on ${fake.url} (bound to ${host}:${port}); demo app on ${appUrl}\n`)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    app.close()
    fake.close().then(() => process.exit(0))
  })
}
