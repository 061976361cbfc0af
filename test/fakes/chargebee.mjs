// A fake Chargebee site for "Chargebee as your login", for tests and for clicking through it
// locally (test/fakes/serve.mjs). Two halves on one server, as Chargebee has them on two hosts:
// - the portal login page ({site}.chargebeeportal.com/portal/login?return_url=…&cancel_url=…):
//   refuses return/cancel URLs whose domain is not whitelisted (`allowedDomains`), signs a customer
//   in by email (`customers`), then sends the browser to
//   return_url?auth_session_id=…&auth_session_token=… (a portal session not yet activated);
// - the API ({site}.chargebee.com/api/v2/portal_sessions/{id}, /activate, /logout): HTTP Basic with
//   the API key as user name and an empty password, form-encoded bodies, Chargebee's resource and
//   error bodies (the same error shape as the portal-session fake in providers.mjs). A session
//   activates once, within an hour of its creation, with its own token.
// Plain JavaScript so `node` runs it as is; test/fakes/chargebee.d.mts types it for the tests.
import { randomBytes } from 'node:crypto'
import { FakeServer } from './fake-server.mjs'
import { chargebeeError } from './providers.mjs'

export const API_KEY = 'test_cbkey_AbCdEf0123456789'
const API_PATH = /^\/api\/v2\/portal_sessions\/([^/]+)(?:\/(activate|logout))?$/
const SESSION_SECONDS = 3600

const escape = text => String(text).replace(/[<>&"']/g, char => `&#${char.charCodeAt(0)};`)

function page (response, status, title, body) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
  response.end(`<!doctype html><meta charset="utf-8"><title>${title}</title>${body}`)
}

export class FakeChargebee extends FakeServer {
  /** Portal sessions by id. */
  sessions = new Map()
  /** API requests (not portal pages), in order. */
  requests = []
  /** What API calls do: 'hang' never answers, 'server-error' 500s, 'allow-reuse' activates twice. */
  mode = 'normal'

  constructor (options = {}) {
    super(options)
    this.apiKey = options.apiKey ?? API_KEY
    this.customers = new Map(Object.entries(options.customers ?? {}))
    this.allowedDomains = new Set(options.allowedDomains ?? [])
  }

  /** What Chargebee does when the user signs in on its portal login page: an id and token for return_url. */
  userLogsIn (customerId, { expired = false } = {}) {
    const now = Math.floor(Date.now() / 1000)
    const id = `portal_${randomBytes(8).toString('hex')}`
    const token = randomBytes(24).toString('base64url')
    const createdAt = now - (expired ? 2 * SESSION_SECONDS : 0)
    this.sessions.set(id, { id, token, customer_id: customerId, status: 'not_yet_activated', created_at: createdAt, expires_at: createdAt + SESSION_SECONDS })
    return { id, token }
  }

  resource (session) {
    const email = [...this.customers].find(([, id]) => id === session.customer_id)?.[0] ?? `${session.customer_id}@example.com`
    return {
      portal_session: {
        id: session.id,
        token: session.token,
        access_url: `${this.url}/portal/v2/access/${session.token}`,
        status: session.status,
        created_at: session.created_at,
        expires_at: session.expires_at,
        object: 'portal_session',
        customer_id: session.customer_id,
        ...(session.login_at === undefined ? {} : { login_at: session.login_at, login_ipaddress: '127.0.0.1' }),
        ...(session.logout_at === undefined ? {} : { logout_at: session.logout_at, logout_ipaddress: '127.0.0.1' }),
        linked_customers: [{ customer_id: session.customer_id, email, has_billing_address: false, has_payment_method: false, has_active_subscription: true, object: 'linked_customer' }]
      }
    }
  }

  send (response, status, body) {
    response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' })
    response.end(JSON.stringify(body))
  }

  error (response, answer) {
    this.send(response, answer.status, answer.body)
  }

  async handle (request, response) {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    const url = new URL(request.url ?? '/', 'http://fake')
    if (url.pathname === '/portal/login') return this.loginPage(request, response, request.method === 'POST' ? new URLSearchParams(body) : url.searchParams)
    if (url.pathname.startsWith('/api/')) return this.api(request, response, url.pathname, body)
    page(response, 404, 'Chargebee', '<h1>Page not found</h1>')
  }

  /** Whether a return or cancel URL may be used: http(s) on a whitelisted domain. */
  whitelisted (value) {
    try {
      const url = new URL(value)
      return (url.protocol === 'https:' || url.protocol === 'http:') && this.allowedDomains.has(url.hostname)
    } catch {
      return false
    }
  }

  loginPage (request, response, params) {
    const returnUrl = params.get('return_url')
    const cancelUrl = params.get('cancel_url')
    for (const [name, value] of [['return_url', returnUrl], ['cancel_url', cancelUrl]]) {
      if (value !== null && !this.whitelisted(value)) return page(response, 400, 'Chargebee', `<h1>Invalid ${name}</h1><p>${escape(value)} is not on a whitelisted domain.</p>`)
    }
    if (returnUrl === null) return page(response, 400, 'Chargebee', '<h1>Invalid return_url</h1><p>return_url is required.</p>')
    const email = params.get('email')
    if (request.method === 'POST') {
      const customerId = this.customers.get(email ?? '')
      if (customerId !== undefined) {
        const { id, token } = this.userLogsIn(customerId)
        const back = new URL(returnUrl)
        back.searchParams.set('auth_session_id', id)
        back.searchParams.set('auth_session_token', token)
        response.writeHead(302, { location: back.href }).end()
        return
      }
    }
    const hidden = [['return_url', returnUrl], ['cancel_url', cancelUrl]].filter(([, value]) => value !== null)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escape(value)}">`).join('')
    const [suggested] = this.customers.keys()
    const refused = request.method === 'POST' ? `<p id="error">No customer with the email ${escape(email ?? '')}.</p>` : ''
    page(response, request.method === 'POST' ? 401 : 200, 'Fake Chargebee portal login', `<h1 id="login">Fake Chargebee: sign in to your account</h1>${refused}
<form method="post" action="/portal/login">${hidden}<label>Email <input name="email" value="${escape(suggested ?? '')}"></label><button>Sign in</button></form>
${cancelUrl === null ? '' : `<p><a href="${escape(cancelUrl)}">Cancel</a></p>`}`)
  }

  async api (request, response, path, body) {
    this.requests.push({ method: request.method, path, headers: request.headers, body })
    if (request.headers.authorization !== `Basic ${Buffer.from(`${this.apiKey}:`).toString('base64')}`) {
      return this.error(response, chargebeeError(401, 'api_authentication_failed', 'Sorry, authentication failed. Invalid api key', { errorCode: 'api_authentication_invalid_key' }))
    }
    if (this.mode === 'hang') return
    if (this.mode === 'server-error') return this.error(response, chargebeeError(500, 'internal_error', 'Sorry, something went wrong when trying to process the request.', { type: 'operation_failed' }))
    const match = API_PATH.exec(path)
    const session = match === null ? undefined : this.sessions.get(decodeURIComponent(match[1]))
    if (match === null || session === undefined || (request.method === 'GET') !== (match[2] === undefined)) {
      return this.error(response, chargebeeError(404, 'resource_not_found', 'Sorry, we couldn\'t find that resource', { type: 'invalid_request', errorCode: 'referenced_resource_not_found' }))
    }
    if (request.method === 'GET') return this.send(response, 200, this.resource(session))
    if ((request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
      return this.error(response, chargebeeError(400, 'invalid_request', 'The request content type is not supported.', { type: 'invalid_request', errorCode: 'invalid_content_type' }))
    }
    const form = new URLSearchParams(body)
    const now = Math.floor(Date.now() / 1000)
    if (match[2] === 'logout') {
      session.status = 'logged_out'
      session.logout_at = now
      return this.send(response, 200, this.resource(session))
    }
    if (!form.has('token')) return this.error(response, chargebeeError(400, 'invalid_request', 'token : cannot be blank', { type: 'invalid_request', param: 'token', errorCode: 'param_not_present' }))
    if (form.get('token') !== session.token) return this.error(response, chargebeeError(400, 'invalid_request', 'token : is invalid', { type: 'invalid_request', param: 'token', errorCode: 'param_not_valid' }))
    const reusable = this.mode === 'allow-reuse' && session.status === 'activated'
    if ((session.status !== 'not_yet_activated' && !reusable) || session.expires_at < now) {
      return this.error(response, chargebeeError(400, 'invalid_state_for_request', 'The portal session is not in a state that can be activated', { type: 'invalid_request', errorCode: 'portal_session_invalid_state' }))
    }
    session.status = 'activated'
    session.login_at = now
    this.send(response, 200, this.resource(session))
  }
}
