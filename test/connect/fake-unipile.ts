// A fake Unipile API on loopback: POST /api/v1/hosted/accounts/link checked the way the real API
// checks it (X-API-KEY, JSON, expiresOn with exactly three fractional digits, known providers),
// answering with Unipile's real bodies and content type.
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const API_KEY = 'unipile-test-key-XXXXXXXX'
const PROVIDERS = ['LINKEDIN', 'WHATSAPP', 'INSTAGRAM', 'MESSENGER', 'TELEGRAM', 'GOOGLE', 'OUTLOOK', 'TWITTER', 'MAIL']
const EXPIRES_ON = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export interface LinkRequest {
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
}

/** What the next call should do instead of answering normally. */
export type Mode = 'normal' | 'hang' | 'server-error' | 'no-url' | 'html' | 'gateway'

export class FakeUnipile {
  readonly requests: LinkRequest[] = []
  mode: Mode = 'normal'
  linkCount = 0
  /** Links handed out; with `wizard` set they point at this server's own wizard pages. */
  readonly links = new Map<number, Record<string, unknown>>()
  wizard = false
  #url = ''
  readonly server: Server = createServer((request, response) => { this.handle(request, response).catch(() => response.destroy()) })

  async start (): Promise<string> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.#url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.#url
  }

  async close (): Promise<void> {
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }

  private send (response: ServerResponse, status: number, body: object, contentType = 'application/json; charset=utf-8'): void {
    response.writeHead(status, { 'content-type': contentType })
    response.end(JSON.stringify(body))
  }

  private async wizardPage (request: IncomingMessage, response: ServerResponse): Promise<void> {
    const n = Number((request.url as string).split('/')[2])
    const link = this.links.get(n)
    if (link === undefined) {
      response.writeHead(404).end()
      return
    }
    if (request.method === 'POST') {
      response.writeHead(303, { location: await wizardStep(link, n) }).end()
      return
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(`<!doctype html><title>Unipile</title><h1 id="wizard">Connect ${String(link.type)}</h1><form method="post"><button>Connect</button></form>`)
  }

  private invalid (response: ServerResponse, detail: string): void {
    this.send(response, 400, { status: 400, type: 'errors/invalid_parameters', title: 'Invalid parameters', detail })
  }

  private async handle (request: IncomingMessage, response: ServerResponse): Promise<void> {
    let raw = ''
    for await (const chunk of request) raw += String(chunk)
    if (this.wizard && request.url?.startsWith('/wizard/') === true) return await this.wizardPage(request, response)
    if (request.method !== 'POST' || request.url !== '/api/v1/hosted/accounts/link') {
      return this.send(response, 404, { status: 404, type: 'errors/not_found', title: 'Not found', detail: `${String(request.method)} ${String(request.url)}` })
    }
    if (request.headers['x-api-key'] !== API_KEY) {
      return this.send(response, 401, { status: 401, type: 'errors/missing_credentials', title: 'Missing credentials', detail: 'Invalid or missing X-API-KEY.' })
    }
    if (request.headers['content-type'] !== 'application/json') return this.invalid(response, 'Content-Type must be application/json.')
    let body: Record<string, unknown>
    try {
      body = JSON.parse(raw)
    } catch {
      return this.invalid(response, 'Body is not valid JSON.')
    }
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
    const url = this.wizard ? `${this.#url}/wizard/${this.linkCount}` : `https://account.unipile.com/pqb%2Gz77l.link${this.linkCount}%3D`
    if (this.mode === 'no-url') return this.send(response, 200, { object: 'Other' })
    if (this.mode === 'html') {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end('<html>maintenance</html>')
      return
    }
    this.send(response, 200, { object: 'HostedAuthURL', url })
  }
}

/** The hosted wizard for browser tests: a page with one button; submitting it notifies and redirects like Unipile. */
async function wizardStep (link: Record<string, unknown>, n: number): Promise<string> {
  const create = link.type === 'create'
  const accountId = create ? `acc_browser_${n}` : link.reconnect_account as string
  const notified = await fetch(link.notify_url as string, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: create ? 'CREATION_SUCCESS' : 'RECONNECTED', account_id: accountId, name: link.name })
  })
  return (notified.ok ? link.success_redirect_url : link.failure_redirect_url) as string
}

function validProviders (value: unknown): boolean {
  if (typeof value === 'string') return ['*', '*:MESSAGING', '*:MAILING', '*:CALENDAR'].includes(value)
  return Array.isArray(value) && value.length > 0 && value.every(provider => PROVIDERS.includes(provider))
}
