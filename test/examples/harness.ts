/**
 * What every snippet test needs: a real auth-hooks on an ephemeral port (bearer caller, a
 * company.com-only policy with a role rule), and the three ways an auth-hooks can fail the snippet
 * must survive: a closed port, a server that never answers, and a 500.
 */
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { formatProblem } from '../../src/config/load.js'
import { loadPolicy } from '../../src/policy/load.js'
import { writeConfig } from '../helpers.js'

export const SECRET = 'snippet-bearer-secret-0123456789'
export const DENY_MESSAGE = 'Only users with company.com domain are allowed'

export const POLICY = `
caller:
  bearer:
    secrets: ['\${SNIPPET_SECRET}']
hooks:
  preSignup:
    default: allow
    rules:
      - name: company-email-only
        when: { emailDomain: { notIn: [company.com] } }
        deny: { code: invalid-email, message: ${DENY_MESSAGE} }
      - name: merchants
        when: { field: data.accountType, equals: merchant }
        roles: [merchant]
  preLogin:
    default: allow
    rules:
      - name: company-email-only
        when: { emailDomain: { notIn: [company.com] } }
        deny: { code: invalid-email, message: ${DENY_MESSAGE} }
`

export interface Endpoints {
  /** the running auth-hooks' native hooks */
  signup: string
  login: string
  /** a port nothing listens on */
  closed: string
  /** accepts the request and never answers */
  hanging: string
  /** answers 500 {"code":"internal-error","message":…} */
  failing: string
  /** answers 200 with a body that is not JSON */
  garbled: string
  close: () => Promise<void>
}

function urlOf (server: Server, path: string): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`
}

export async function endpoints (): Promise<Endpoints> {
  const loaded = await loadPolicy(await writeConfig(POLICY), { SNIPPET_SECRET: SECRET })
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
  const app = await buildApp({ policy: loaded.policy, config: loaded.config, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const closedServer = createServer().listen(0, '127.0.0.1')
  await once(closedServer, 'listening')
  const closed = urlOf(closedServer, '/signup-hook')
  closedServer.close()
  await once(closedServer, 'close')

  const broken = createServer((request, response) => {
    request.resume()
    if (request.url === '/hang') return
    if (request.url === '/garbled') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('<html>ok</html>')
      return
    }
    response.writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 'internal-error', message: 'a stack trace nobody should see' }))
  }).listen(0, '127.0.0.1')
  await once(broken, 'listening')

  return {
    signup: `${base}/signup-hook`,
    login: `${base}/login-hook`,
    closed,
    hanging: urlOf(broken, '/hang'),
    failing: urlOf(broken, '/fail'),
    garbled: urlOf(broken, '/garbled'),
    close: async () => {
      broken.closeAllConnections()
      broken.close()
      await app.close()
    }
  }
}

/** The short timeout the fail-closed cases give a snippet, so a hanging auth-hooks costs 200 ms. */
export const SHORT_TIMEOUT_MS = '200'
