// A fake Unipile on one server, for tests and for clicking through the connect flow locally
// (test/fakes/serve.mjs). The API part, POST /api/v1/hosted/accounts/link, checks a request the
// way Unipile documents it (X-API-KEY, JSON, type, api_url, expiresOn with exactly three
// fractional digits, known providers) and answers with Unipile's bodies and content type. With
// `wizard` on, the links point at this server's own hosted wizard: one button that, like Unipile
// once the user has connected, posts {status, account_id, name} to notify_url and sends the browser
// to success_redirect_url (failure_redirect_url when notify_url refused). GET / lists the accounts
// connected so far, each with a button that sends the account-status webhook Unipile sends when an
// account needs reconnecting (message CREDENTIALS), to `webhook.url` with `webhook.headers`, as
// text (webhooks created through Unipile's API carry no JSON content type). Plain JavaScript so
// `node` runs it as is; test/fakes/unipile.d.mts types it for the TypeScript tests.
import { randomBytes } from 'node:crypto'
import { FakeServer } from './fake-server.mjs'

export const API_KEY = 'unipile-test-key-XXXXXXXX'
export const PROVIDERS = ['LINKEDIN', 'WHATSAPP', 'INSTAGRAM', 'MESSENGER', 'TELEGRAM', 'GOOGLE', 'OUTLOOK', 'TWITTER', 'MAIL']
const PROVIDER_GROUPS = ['*', '*:MESSAGING', '*:MAILING', '*:CALENDAR']
const EXPIRES_ON = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const LINK_PATH = '/api/v1/hosted/accounts/link'
const WIZARD_PATH = /^\/wizard\/(\d+)$/
const STATUS_PATH = /^\/accounts\/([A-Za-z0-9_-]+)\/status$/

const escape = text => String(text).replace(/[<>&"']/g, char => `&#${char.charCodeAt(0)};`)

function validProviders (value) {
  if (typeof value === 'string') return PROVIDER_GROUPS.includes(value)
  return Array.isArray(value) && value.length > 0 && value.every(provider => PROVIDERS.includes(provider))
}

function html (response, status, title, body) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
  response.end(`<!doctype html><meta charset="utf-8"><title>${title}</title>${body}`)
}

export class FakeUnipile extends FakeServer {
  /** Link requests that passed authentication and JSON parsing, in order. */
  requests = []
  /** What the next link requests do instead of answering normally. */
  mode = 'normal'
  linkCount = 0
  /** Links handed out, by number: the request body as sent. */
  links = new Map()
  /** Accounts connected through the wizard: account id → {type, name, status}. */
  accounts = new Map()
  /** Webhooks this fake sent: {url, body, status}. */
  webhooks = []

  constructor (options = {}) {
    super(options)
    this.apiKey = options.apiKey ?? API_KEY
    this.wizard = options.wizard ?? false
    this.webhook = options.webhook
  }

  /** Sends Unipile's account-status webhook for an account; the HTTP status the receiver answered. */
  async accountStatus (accountId, message) {
    if (this.webhook === undefined) throw new Error('FakeUnipile: no webhook configured')
    const account = this.accounts.get(accountId)
    if (account !== undefined) account.status = message
    const body = { AccountStatus: { account_id: accountId, account_type: account?.type ?? 'LINKEDIN', message } }
    const response = await fetch(this.webhook.url, { method: 'POST', headers: this.webhook.headers ?? {}, body: JSON.stringify(body) })
    await response.arrayBuffer()
    this.webhooks.push({ url: this.webhook.url, body, status: response.status })
    return response.status
  }

  send (response, status, body, contentType = 'application/json; charset=utf-8') {
    response.writeHead(status, { 'content-type': contentType })
    response.end(JSON.stringify(body))
  }

  invalid (response, detail) {
    this.send(response, 400, { status: 400, type: 'errors/invalid_parameters', title: 'Invalid parameters', detail })
  }

  notFound (request, response) {
    this.send(response, 404, { status: 404, type: 'errors/not_found', title: 'Not found', detail: `${request.method} ${request.url}` })
  }

  async handle (request, response) {
    let raw = ''
    for await (const chunk of request) raw += String(chunk)
    const path = (request.url ?? '/').split('?')[0]
    if (this.wizard) {
      const wizard = WIZARD_PATH.exec(path)
      if (wizard !== null) return await this.wizardPage(request, response, Number(wizard[1]))
      const status = STATUS_PATH.exec(path)
      if (request.method === 'POST' && status !== null) return await this.statusChange(response, status[1], new URLSearchParams(raw).get('message'))
      if (request.method === 'GET' && path === '/') return this.accountsPage(response)
    }
    if (request.method !== 'POST' || path !== LINK_PATH) return this.notFound(request, response)
    return this.createLink(request, response, raw)
  }

  createLink (request, response, raw) {
    if (request.headers['x-api-key'] !== this.apiKey) {
      return this.send(response, 401, { status: 401, type: 'errors/missing_credentials', title: 'Missing credentials', detail: 'Invalid or missing X-API-KEY.' })
    }
    if ((request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() !== 'application/json') return this.invalid(response, 'Content-Type must be application/json.')
    let body
    try {
      body = JSON.parse(raw)
    } catch {
      return this.invalid(response, 'Body is not valid JSON.')
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return this.invalid(response, 'Body must be an object.')
    this.requests.push({ headers: request.headers, body })
    if (body.type !== 'create' && body.type !== 'reconnect') return this.invalid(response, 'type must be create or reconnect.')
    if (typeof body.api_url !== 'string') return this.invalid(response, 'api_url is required.')
    if (typeof body.expiresOn !== 'string' || !EXPIRES_ON.test(body.expiresOn)) return this.invalid(response, 'expiresOn must be an ISO 8601 date with millisecond precision.')
    if (body.type === 'create' && !validProviders(body.providers)) return this.invalid(response, 'providers is invalid.')
    if (body.type === 'reconnect' && typeof body.reconnect_account !== 'string') return this.invalid(response, 'reconnect_account is required.')
    if (this.mode === 'hang') return
    if (this.mode === 'gateway') {
      response.writeHead(502, { 'content-type': 'text/html' })
      response.end('<html>502 Bad Gateway</html>')
      return
    }
    if (this.mode === 'server-error') return this.send(response, 500, { status: 500, type: 'errors/unexpected_error', title: 'Unexpected error', detail: 'Something went wrong.' })
    this.linkCount++
    this.links.set(this.linkCount, body)
    const url = this.wizard ? `${this.url}/wizard/${this.linkCount}` : `https://account.unipile.com/pqb%2Gz77l.link${this.linkCount}%3D`
    if (this.mode === 'no-url') return this.send(response, 200, { object: 'Other' })
    if (this.mode === 'html') {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end('<html>maintenance</html>')
      return
    }
    this.send(response, 200, { object: 'HostedAuthURL', url })
  }

  /** The hosted wizard: GET shows one "Connect" button, POST connects the account and notifies. */
  async wizardPage (request, response, n) {
    const link = this.links.get(n)
    if (link === undefined || Date.parse(link.expiresOn) < Date.now()) {
      return html(response, 404, 'Unipile', '<h1 id="wizard">This link is invalid or has expired</h1>')
    }
    const type = Array.isArray(link.providers) ? link.providers[0] : (this.accounts.get(link.reconnect_account)?.type ?? 'LINKEDIN')
    if (request.method !== 'POST') {
      const what = link.type === 'create' ? `a ${escape(type)} account` : `account ${escape(link.reconnect_account)} again`
      return html(response, 200, 'Unipile', `<h1 id="wizard">Connect ${escape(link.type)}</h1><p>Fake Unipile: connect ${what} (no credentials needed).</p><form method="post"><button>Connect</button></form>`)
    }
    const create = link.type === 'create'
    const accountId = create ? randomBytes(16).toString('base64url').slice(0, 22) : link.reconnect_account
    const status = create ? 'CREATION_SUCCESS' : 'RECONNECTED'
    let notified = true
    if (typeof link.notify_url === 'string') {
      const answer = await fetch(link.notify_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status, account_id: accountId, name: link.name })
      })
      await answer.arrayBuffer()
      notified = answer.ok
    }
    if (notified) this.accounts.set(accountId, { type, name: link.name, status })
    const location = notified ? link.success_redirect_url : link.failure_redirect_url
    if (typeof location !== 'string') return html(response, 200, 'Unipile', `<h1 id="wizard">${notified ? 'Account connected' : 'Connection failed'}</h1>`)
    response.writeHead(303, { location }).end()
  }

  accountsPage (response) {
    const rows = [...this.accounts].map(([id, account]) => `<li><span class="account">${escape(id)}</span> ${escape(account.type)} of ${escape(account.name)}: <span class="status">${escape(account.status)}</span>
<form method="post" action="/accounts/${escape(id)}/status"><input type="hidden" name="message" value="CREDENTIALS"><button>Expire credentials of ${escape(id)}</button></form></li>`)
    html(response, 200, 'Fake Unipile', `<h1>Fake Unipile: connected accounts</h1>${rows.length === 0 ? '<p>None yet.</p>' : `<ul>${rows.join('\n')}</ul>`}
<p>"Expire credentials" sends the account-status webhook (message CREDENTIALS) as Unipile does when an account needs reconnecting.</p>`)
  }

  async statusChange (response, accountId, message) {
    if (!this.accounts.has(accountId) || message === null || !/^[A-Z_]{1,64}$/.test(message)) return html(response, 404, 'Fake Unipile', '<h1>No such account</h1>')
    const status = await this.accountStatus(accountId, message)
    if (status !== 200) return html(response, 502, 'Fake Unipile', `<h1>The webhook was refused (${status})</h1>`)
    response.writeHead(303, { location: '/' }).end()
  }
}
