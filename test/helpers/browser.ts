// Shared by the end-to-end browser tests: headless Debian Chromium driven by playwright-core, and
// plain HTTP servers on free loopback ports. CI installs /usr/bin/chromium (.ci/run); locally a
// browser test is skipped with `chromiumMissing` as its reason when it is not there.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { chromium, type BrowserContext } from 'playwright-core'
import type { Test } from 'tap'

const CHROMIUM = '/usr/bin/chromium'
// Without the background-networking flags Chromium keeps calling out, and this machine refuses it.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

export const chromiumMissing: string | false = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser test; CI installs it`

export async function listen (server: ReturnType<typeof createServer>): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Serves a plain test app on a free port until the test ends; returns its base URL. */
export async function serveApp (t: Test, app: ReturnType<typeof createServer>): Promise<string> {
  const url = await listen(app)
  t.teardown(() => {
    app.closeAllConnections()
    app.close()
  })
  return url
}

/**
 * A Fastify instance already listening on its own server, so its public URL is known before its
 * plugins are registered with config that names it. Closed when the test ends.
 */
export async function listeningFastify (t: Test): Promise<{ app: FastifyInstance, url: string }> {
  let server: ReturnType<typeof createServer> | undefined
  const app = Fastify({
    logger: false,
    serverFactory: handler => {
      server = createServer(handler)
      return server
    }
  })
  const url = await listen(server as ReturnType<typeof createServer>)
  t.teardown(async () => {
    await app.close()
    server?.closeAllConnections()
    server?.close()
  })
  return { app, url }
}

/** Headless Chromium with a fresh profile, closed (and its profile removed) when the test ends. */
export async function launchChromium (t: Test): Promise<BrowserContext> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'auth-hooks-chromium-'))
  const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
  t.teardown(async () => {
    await browser.close()
    await rm(userDataDir, { recursive: true, force: true })
  })
  return browser
}

export interface TestAppOptions {
  /** GET pages by path: the HTML body for the request's URL. */
  pages: Record<string, (url: URL) => string>
  /** The session token the sign-in form sets as the `session` cookie. */
  signIn: () => Promise<string>
  authHooksOrigin: () => string
}

/**
 * The app being integrated, as a browser sees it: its pages, and a sign-in form whose POST sets
 * the JWT session cookie and goes back to `redirect_url`. Like a real app, it only sends users back
 * to itself or to auth-hooks.
 */
export function testApp ({ pages, signIn, authHooksOrigin }: TestAppOptions): ReturnType<typeof createServer> {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://app.invalid')
    const html = (body: string): void => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(`<!doctype html><title>Test app</title>${body}`)
    }
    const back = url.searchParams.get('redirect_url') ?? '/home'
    const page = pages[url.pathname]
    if (request.method === 'GET' && page !== undefined) return html(page(url))
    if (request.method === 'GET' && url.pathname === '/sign-in') {
      return html(`<h1>Sign in</h1><form method="post" action="/sign-in?redirect_url=${encodeURIComponent(back)}"><button>Sign in</button></form>`)
    }
    if (request.method === 'POST' && url.pathname === '/sign-in') {
      const location = back.startsWith(`${authHooksOrigin()}/`) ? back : '/home'
      signIn().then(token => {
        response.writeHead(303, { location, 'set-cookie': `session=${token}; Path=/; HttpOnly; SameSite=Lax` })
        response.end()
      }, /* c8 ignore next */ error => response.destroy(error))
      return
    }
    response.writeHead(404).end()
  })
}
