// Runs the fakes (UserHub, Chargebee and Stripe portal APIs; Unipile with its hosted wizard;
// Chargebee's portal login and portal-session API), a tiny demo app and auth-hooks on
// test/fakes/portal.yaml, so every browser-facing flow can be clicked through locally without real
// keys: the portals, the profile (registration callback + admin read), "Connect LinkedIn" and
// "Sign in with Chargebee". One command, with or without Docker:
//   npm ci && npm run build && node test/fakes/serve.mjs      (then open http://localhost:4012)
//   docker compose --profile fakes up                         (the same, in the image)
// Ports: FAKES_PORT (4010: portal APIs), DEMO_APP_PORT (4012), FAKE_UNIPILE_PORT (4013),
// FAKE_CHARGEBEE_PORT (4014: Chargebee login), PORT (3001: auth-hooks; the default service of
// docker-compose.yml has 3000); *_URL variables change what the browser is sent to.
// test/fakes/click-through.e2e.test.ts clicks through every flow.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { SignJWT } from 'jose'
import { FakeChargebee } from './chargebee.mjs'
import { startFakeProviders } from './providers.mjs'
import { FakeUnipile } from './unipile.mjs'

const root = new URL('../../', import.meta.url)
const env = process.env
const host = env.FAKES_HOST ?? '127.0.0.1'
const port = Number(env.FAKES_PORT ?? 4010)
const appPort = Number(env.DEMO_APP_PORT ?? 4012)
const unipilePort = Number(env.FAKE_UNIPILE_PORT ?? 4013)
const chargebeePort = Number(env.FAKE_CHARGEBEE_PORT ?? 4014)
const authHooksPort = Number(env.PORT ?? 3001)
const publicUrl = env.FAKES_PUBLIC_URL ?? `http://localhost:${port}`
const appUrl = env.DEMO_APP_URL ?? `http://localhost:${appPort}`
const unipileUrl = env.FAKE_UNIPILE_URL ?? `http://localhost:${unipilePort}`
const chargebeeUrl = env.FAKE_CHARGEBEE_URL ?? `http://localhost:${chargebeePort}`
const authHooksUrl = env.AUTH_HOOKS_URL ?? `http://localhost:${authHooksPort}`
// Server to server (the demo app's back end, the fakes' notify and webhook calls): the same machine.
const authHooksApi = `http://127.0.0.1:${authHooksPort}`
const jwtSecretText = env.DEMO_JWT_SECRET ?? 'demo-secret-for-the-fakes-profile-only!!'
const jwtSecret = new TextEncoder().encode(jwtSecretText)
const keys = {
  userhub: env.USERHUB_ADMIN_KEY ?? 'uh_fake_admin_key',
  chargebee: env.CHARGEBEE_API_KEY ?? 'test_fake_chargebee_key',
  stripe: env.STRIPE_SECRET_KEY ?? 'sk_test_fake',
  unipile: env.UNIPILE_API_KEY ?? 'unipile_fake_api_key'
}
const adminToken = env.AUTH_HOOKS_ADMIN_TOKEN ?? 'demo-admin-token-for-the-fakes-profile-only'
const cookieSecret = env.AUTH_HOOKS_COOKIE_SECRET ?? 'demo-cookie-secret-for-the-fakes-profile-only'
const webhookSecret = env.UNIPILE_WEBHOOK_SECRET ?? 'demo-unipile-webhook-secret'
// The Chargebee customer who signs in on the fake portal login page.
const chargebeeCustomer = { email: env.CHARGEBEE_DEMO_EMAIL ?? 'demo@example.com', id: 'cus_demo' }
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
const unipile = new FakeUnipile({
  host,
  port: unipilePort,
  publicUrl: unipileUrl,
  apiKey: keys.unipile,
  wizard: true,
  webhook: { url: `${authHooksApi}/connect/webhook`, headers: { 'unipile-auth': webhookSecret } }
})
await unipile.start()
const chargebee = new FakeChargebee({
  host,
  port: chargebeePort,
  publicUrl: chargebeeUrl,
  apiKey: keys.chargebee,
  customers: { [chargebeeCustomer.email]: chargebeeCustomer.id },
  // Chargebee's whitelist of return and cancel domains: where auth-hooks and the demo app run.
  allowedDomains: [...new Set([new URL(authHooksUrl).hostname, new URL(appUrl).hostname])]
})
await chargebee.start()

const escape = text => String(text).replace(/[<>&"']/g, char => `&#${char.charCodeAt(0)};`)

function page (response, status, body, headers = {}) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers })
  response.end(`<!doctype html><meta charset="utf-8"><title>Demo app</title>${body}<p><a href="/">Home</a></p>`)
}

/** Where the sign-in page may send the user back to: auth-hooks, or a path of this app. */
function safeBack (back) {
  return back.startsWith(`${authHooksUrl}/`) || /^\/(?![/\\])/.test(back) ? back : '/'
}

/**
 * This app's back end calling auth-hooks for the browser: the browser's cookies go along (the demo
 * JWT `session`, or the Chargebee login's session cookie), as a front end's fetch would send them.
 */
async function callAuthHooks (request, path, init = {}) {
  const headers = { ...init.headers, ...(request.headers.cookie === undefined ? {} : { cookie: request.headers.cookie }) }
  const response = await fetch(`${authHooksApi}${path}`, { ...init, headers })
  return { status: response.status, body: await response.json().catch(() => null) }
}

async function readForm (request) {
  const chunks = []
  for await (const chunk of request) chunks.push(chunk)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

const chargebeeLogin = next => `${authHooksUrl}/auth/chargebee/login?next=${encodeURIComponent(`${appUrl}${next}`)}`
const notSignedIn = back => `<p id="signed-out">Not signed in. <a href="/sign-in?redirect_url=${encodeURIComponent(back)}">Sign in</a> or <a href="${chargebeeLogin(back)}">Sign in with Chargebee</a></p>`

function profileForm (profile = {}) {
  return `<form method="post" action="/profile"><label>Name <input name="name" value="${escape(profile.name ?? '')}"></label>
<label>Company <input name="company" value="${escape(profile.company ?? '')}"></label><button>Save profile</button></form>`
}

/** GET /profile: the signed-in user's profile (GET /users/me), and what the app's back end reads (GET /admin/users/:id). */
async function profilePage (request, response, status = 200, problems = '') {
  const me = await callAuthHooks(request, '/users/me')
  if (me.status === 401) return page(response, 200, `<h1>Profile</h1>${notSignedIn('/profile')}`)
  if (me.status === 404) return page(response, status, `<h1>Profile</h1><p id="profile">Signed in; no profile saved yet.</p>${problems}${profileForm()}`)
  const admin = await fetch(`${authHooksApi}/admin/users/${encodeURIComponent(me.body.userId)}`, { headers: { authorization: `Bearer ${adminToken}` } })
  const seen = await admin.json()
  page(response, status, `<h1>Profile</h1><p id="profile">Saved for <b id="user">${escape(me.body.userId)}</b>: name <b id="name">${escape(me.body.profile.name)}</b>, company <b id="company">${escape(me.body.profile.company ?? '')}</b></p>
${problems}${profileForm(me.body.profile)}
<p>What this app's back end reads with GET /admin/users/${escape(me.body.userId)} (${admin.status}):</p><pre id="admin">${escape(JSON.stringify(seen, null, 2))}</pre>`)
}

/** POST /profile: the registration callback, POST /users/me with the form's fields as JSON. */
async function saveProfile (request, response) {
  const form = await readForm(request)
  const profile = { name: form.get('name') ?? '', ...(form.get('company') ? { company: form.get('company') } : {}) }
  const saved = await callAuthHooks(request, '/users/me', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(profile) })
  if (saved.status === 200) {
    response.writeHead(303, { location: '/profile' })
    return response.end()
  }
  if (saved.status === 401) return page(response, 401, `<h1>Profile</h1>${notSignedIn('/profile')}`)
  const detail = (saved.body?.detail ?? []).map(problem => `<li>${escape(problem.path)} ${escape(problem.message)}</li>`).join('')
  return profilePage(request, response, saved.status, `<div id="problems"><p>Not saved (${saved.status} ${escape(saved.body?.code)}):</p><ul>${detail}</ul></div>`)
}

/** GET /accounts: where Unipile sends the user back to, and the user's connected accounts (GET /me/accounts). */
async function accountsPage (request, response, url) {
  const banner = url.searchParams.has('connected')
    ? '<p id="result">Connected</p>'
    : url.searchParams.has('failed') ? '<p id="result">Connecting failed</p>' : ''
  const mine = await callAuthHooks(request, '/me/accounts')
  if (mine.status === 401) return page(response, 200, `<h1>Connected accounts</h1>${banner}${notSignedIn('/accounts')}`)
  const rows = mine.body.accounts.map(account => `<li><span class="account">${escape(account.accountId)}</span>: <span class="status">${escape(account.status)}</span>${account.needsReconnect ? ` <a href="${authHooksUrl}${escape(account.reconnectUrl)}">Reconnect</a>` : ''}</li>`)
  page(response, 200, `<h1>Connected accounts</h1>${banner}${rows.length === 0 ? '<p id="accounts">None yet.</p>' : `<ul id="accounts">${rows.join('')}</ul>`}
<p><a href="${authHooksUrl}/connect?providers=LINKEDIN">Connect LinkedIn</a>; the <a href="${unipile.url}/">fake Unipile</a> can expire an account's credentials (its status webhook), and a Reconnect link appears here.</p>`)
}

const app = createServer((request, response) => {
  route(request, response).catch(error => {
    process.stderr.write(`demo app: ${request.method} ${request.url}: ${error.stack}\n`)
    if (!response.headersSent) page(response, 502, `<h1>Something failed</h1><p>${escape(error.message)}</p>`)
  })
})

async function route (request, response) {
  const url = new URL(request.url ?? '/', appUrl)
  const back = safeBack(url.searchParams.get('redirect_url') ?? '/')
  if (request.method === 'POST' && url.pathname === '/sign-in') {
    const token = await new SignJWT({ sub: 'demo-user', stripe_customer: 'cus_demo' })
      .setProtectedHeader({ alg: 'HS256' }).setIssuer('https://demo.invalid/').setAudience('auth-hooks-demo')
      .setIssuedAt().setExpirationTime('1h').sign(jwtSecret)
    response.writeHead(303, { location: back, 'set-cookie': `session=${token}; Path=/; HttpOnly; SameSite=Lax` })
    return response.end()
  }
  if (url.pathname === '/sign-in') {
    return page(response, 200, `<h1>Sign in</h1><form method="post" action="/sign-in?redirect_url=${encodeURIComponent(back)}"><button>Sign in as demo-user</button></form>`)
  }
  // afterLogoutUrl: auth-hooks has ended the Chargebee login session; this ends the demo JWT.
  if (url.pathname === '/sign-out') return page(response, 200, '<p id="signed-out">Signed out.</p>', { 'set-cookie': 'session=; Path=/; Max-Age=0' })
  if (url.pathname === '/profile') return request.method === 'POST' ? await saveProfile(request, response) : await profilePage(request, response)
  if (url.pathname === '/accounts') return await accountsPage(request, response, url)
  return page(response, 200, `<h1>Demo app</h1><h2>Portals</h2><ul>
<li><a href="${authHooksUrl}/portal/billing">Billing</a> (Stripe)</li>
<li><a href="${authHooksUrl}/portal/chargebee">Subscriptions</a> (Chargebee)</li>
<li><a href="${authHooksUrl}/userhub?portalUrl=/%7BaccountId%7D/billing">Team</a> (UserHub)</li>
</ul><h2>Your account</h2><ul>
<li><a href="/profile">Profile</a>: save and read your profile (the registration callback, POST /users/me)</li>
<li><a href="${authHooksUrl}/connect?providers=LINKEDIN">Connect LinkedIn</a>: Unipile's hosted wizard, then <a href="/accounts">Connected accounts</a></li>
<li><a href="${chargebeeLogin('/profile')}">Sign in with Chargebee</a>: the Chargebee portal login as this app's login</li>
</ul><form method="post" action="${authHooksUrl}/auth/chargebee/logout"><button>Sign out</button></form>`)
}
app.listen(appPort, host)

// auth-hooks itself, on the fakes' config; its logs go to this process's output.
const authHooks = spawn(process.execPath, [...process.execArgv, cli.pathname, 'serve'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  // The demo's store is in memory (portal.yaml); a DATABASE_URL meant for something else is not used.
  env: {
    ...Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'DATABASE_URL')),
    AUTH_HOOKS_CONFIG: 'test/fakes/portal.yaml',
    HOST: host,
    PORT: String(authHooksPort),
    FAKES_API: `http://127.0.0.1:${port}`,
    DEMO_APP_URL: appUrl,
    AUTH_HOOKS_URL: authHooksUrl,
    DEMO_JWT_SECRET: jwtSecretText,
    STRIPE_SECRET_KEY: keys.stripe,
    CHARGEBEE_API_KEY: keys.chargebee,
    USERHUB_ADMIN_KEY: keys.userhub,
    AUTH_HOOKS_ADMIN_TOKEN: adminToken,
    UNIPILE_API: `http://127.0.0.1:${unipilePort}`,
    UNIPILE_API_KEY: keys.unipile,
    UNIPILE_WEBHOOK_SECRET: webhookSecret,
    CHARGEBEE_LOGIN_API: `http://127.0.0.1:${chargebeePort}`,
    CHARGEBEE_PORTAL_URL: chargebeeUrl,
    AUTH_HOOKS_COOKIE_SECRET: cookieSecret
  }
})
let stopping = false
async function stop (code) {
  stopping = true
  app.close()
  await Promise.all([fake.close(), unipile.close(), chargebee.close()])
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
process.stdout.write(`fakes: fake Unipile on ${unipile.url}, fake Chargebee login on ${chargebee.url} (sign in as ${chargebeeCustomer.email})\n`)
process.stdout.write(`fakes ready: fake providers on ${fake.url} (bound to ${host}:${port}), auth-hooks on ${authHooksUrl}; open the demo app at ${appUrl}\n`)
