// A fake Chargebee site on loopback for the login flow: portal_sessions/{id}/activate and
// /logout, checked like the real API (HTTP Basic with the key and an empty password, form
// encoding) and answering with Chargebee's real resource and error bodies.
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const API_KEY = 'test_cbkey_AbCdEf0123456789'

interface StoredSession {
  id: string
  token: string
  customer_id: string
  status: 'not_yet_activated' | 'activated' | 'logged_out'
  created_at: number
  expires_at: number
  login_at?: number
  logout_at?: number
}

export interface SeenRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export type Mode = 'normal' | 'hang' | 'server-error' | 'allow-reuse'

export class FakeChargebee {
  readonly sessions = new Map<string, StoredSession>()
  readonly requests: SeenRequest[] = []
  mode: Mode = 'normal'
  readonly server: Server = createServer((request, response) => { this.handle(request, response).catch(() => response.destroy()) })

  async start (): Promise<string> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async close (): Promise<void> {
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }

  /** What Chargebee does when the user signs in on its portal login page: an id and token for return_url. */
  userLogsIn (customerId: string, { expired = false } = {}): { id: string, token: string } {
    const now = Math.floor(Date.now() / 1000)
    const id = `portal_${randomBytes(8).toString('hex')}`
    const token = randomBytes(24).toString('base64url')
    this.sessions.set(id, { id, token, customer_id: customerId, status: 'not_yet_activated', created_at: now - (expired ? 7200 : 0), expires_at: now + (expired ? -3600 : 3600) })
    return { id, token }
  }

  private resource (session: StoredSession): object {
    return {
      portal_session: {
        id: session.id,
        token: session.token,
        access_url: `https://acme-test.chargebeeportal.com/portal/v2/access/${session.token}`,
        redirect_url: 'https://app.example.com/',
        status: session.status,
        created_at: session.created_at,
        expires_at: session.expires_at,
        object: 'portal_session',
        customer_id: session.customer_id,
        ...(session.login_at === undefined ? {} : { login_at: session.login_at, login_ipaddress: '127.0.0.1' }),
        ...(session.logout_at === undefined ? {} : { logout_at: session.logout_at, logout_ipaddress: '127.0.0.1' }),
        linked_customers: [{ customer_id: session.customer_id, email: `${session.customer_id}@example.com`, has_billing_address: false, has_payment_method: false, has_active_subscription: true, object: 'linked_customer' }]
      }
    }
  }

  private send (response: ServerResponse, status: number, body: object): void {
    response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' })
    response.end(JSON.stringify(body))
  }

  private error (response: ServerResponse, status: number, type: string, apiErrorCode: string, errorCode: string, message: string, param?: string): void {
    this.send(response, status, { message, type, api_error_code: apiErrorCode, ...(param === undefined ? {} : { param }), error_code: errorCode, error_msg: message, http_status_code: status })
  }

  private async handle (request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    const path = String(request.url)
    this.requests.push({ method: String(request.method), path, headers: request.headers, body })
    if (request.headers.authorization !== `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`) {
      return this.error(response, 401, 'invalid_request', 'api_authentication_failed', 'api_authentication_invalid_key', 'Sorry, authentication failed. Invalid api key')
    }
    if (this.mode === 'hang') return
    if (this.mode === 'server-error') return this.error(response, 500, 'operation_failed', 'internal_error', 'internal_error', 'Sorry, something went wrong when trying to process the request.')
    if (request.method !== 'POST' || request.headers['content-type'] !== 'application/x-www-form-urlencoded; charset=utf-8') {
      return this.error(response, 400, 'invalid_request', 'invalid_request', 'invalid_content_type', 'Content type must be application/x-www-form-urlencoded')
    }
    const match = /^\/api\/v2\/portal_sessions\/([^/]+)\/(activate|logout)$/.exec(path)
    const session = match === null ? undefined : this.sessions.get(decodeURIComponent(match[1] as string))
    if (match === null || session === undefined) {
      return this.error(response, 404, 'invalid_request', 'resource_not_found', 'referenced_resource_not_found', 'Sorry, we couldn\'t find that resource')
    }
    const form = new URLSearchParams(body)
    const now = Math.floor(Date.now() / 1000)
    if (match[2] === 'logout') {
      session.status = 'logged_out'
      session.logout_at = now
      return this.send(response, 200, this.resource(session))
    }
    if (!form.has('token')) return this.error(response, 400, 'invalid_request', 'invalid_request', 'param_not_present', 'token : cannot be blank', 'token')
    if (form.get('token') !== session.token) return this.error(response, 400, 'invalid_request', 'invalid_request', 'param_not_valid', 'token : is invalid', 'token')
    const reusable = this.mode === 'allow-reuse' && session.status === 'activated'
    if ((session.status !== 'not_yet_activated' && !reusable) || session.expires_at < now) {
      return this.error(response, 400, 'invalid_request', 'invalid_state_for_request', 'portal_session_invalid_state', 'The portal session is not in a state that can be activated')
    }
    session.status = 'activated'
    session.login_at = now
    this.send(response, 200, this.resource(session))
  }
}
