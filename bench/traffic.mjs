// What a benchmark client sends: one generator per kind of traffic, used by both load clients
// (bench/load.mjs, autocannon, closed loop; bench/paced.mjs, fixed rate or N users). A generator
// is `{ requests, headersFor? }` for a fixed mix (each request carries the status it must get), or
// `{ next(n) }` for traffic where every request is new (a user id, a token). A scenario is a server
// config plus one of these, so a new wire format (a hook dialect) is a new kind here and an entry
// in bench.mjs's SCENARIOS.
import { createHmac, randomUUID } from 'node:crypto'
import { bodies } from './policy.mjs'

export const POLICY_HEADER = 'x-auth-hooks-policy'

/** Standard Webhooks headers for one body (wire-formats.md section 2): a fresh id, so no replay. */
export function signedHeaders (secret, body) {
  const id = `msg_${randomUUID()}`
  const timestamp = Math.floor(Date.now() / 1000).toString()
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` }
}

const base64url = value => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** An HS256 JWT, as the app's auth system would issue it (the identity section's `jwt.secret`). */
export function jwt ({ secret, issuer, audience }, sub, claims = {}) {
  const now = Math.floor(Date.now() / 1000)
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub, iss: issuer, aud: audience, iat: now, exp: now + 3600, ...claims })}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}

const JSON_TYPE = { 'content-type': 'application/json' }

/**
 * One native `{provider, data}` request as each calling system sends it (shapes from
 * ../shared/reference/auth-systems.md: Supabase before-user-created, the body our Kratos jsonnet
 * template builds, Okta's registration inline hook), and the HTTP status a decision gets there.
 */
const DIALECT_BODIES = {
  native: { wrap: body => body, status: status => status },
  supabase: {
    wrap: ({ data: { email, ...metadata } }) => ({
      metadata: { uuid: randomUUID(), time: new Date().toISOString(), name: 'before-user-created', ip_address: '203.0.113.24' },
      user: { id: randomUUID(), aud: 'authenticated', role: '', email, phone: '', app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: metadata, identities: [], created_at: '0001-01-01T00:00:00Z', updated_at: '0001-01-01T00:00:00Z', is_anonymous: false }
    }),
    status: () => 200
  },
  kratos: {
    wrap: ({ provider, data }) => ({ provider, data, kratos: { flow_id: randomUUID(), flow_type: 'browser', method: 'password', metadata_public: null } }),
    status: status => status
  },
  okta: {
    wrap: ({ data: { email, name } }) => ({
      eventId: 'bench',
      eventTime: new Date().toISOString(),
      eventType: 'com.okta.user.pre-registration',
      eventTypeVersion: '1.0',
      contentType: 'application/json',
      cloudEventVersion: '0.1',
      source: 'regbench',
      requestType: 'self.service.registration',
      data: { context: { request: { id: 'bench', method: 'POST', url: { value: '/idp/idx/enroll/new' }, ipAddress: '203.0.113.24' } }, userProfile: { firstName: String(name ?? 'Ann'), lastName: 'Lee', login: email, email }, action: 'ALLOW' }
    }),
    status: () => 200
  }
}

/** The caller credentials of a dialect scenario: static headers, or a Standard Webhooks signature per request. */
function callerHeaders (caller) {
  if (caller.basic !== undefined) return { static: { authorization: `Basic ${Buffer.from(`${caller.basic.user}:${caller.basic.password}`).toString('base64')}` } }
  if (caller.bearer !== undefined) return { static: { authorization: `Bearer ${caller.bearer}` } }
  return { static: {}, headersFor: body => signedHeaders(caller.secret, body) }
}

const KINDS = {
  /** The hook mix of bench/policy.mjs; `anyStatus` for the ceilings, which answer 200 to everything; `secret` signs. */
  hooks ({ domains = 10, secret, anyStatus = false }) {
    return {
      requests: bodies(domains).map(request => ({ method: 'POST', headers: JSON_TYPE, ...request, status: anyStatus ? 200 : request.status })),
      ...(secret === undefined ? {} : { headersFor: body => signedHeaders(secret, body) })
    }
  },
  /**
   * The sign-up mix's email requests (the ones every system here sends) in one system's format,
   * to the preSignup hook, with that scenario's caller credentials.
   */
  dialect ({ system, domains = 10, caller }) {
    const format = DIALECT_BODIES[system]
    const credentials = callerHeaders(caller)
    const emailSignups = bodies(domains).filter(request => request.path === '/signup-hook' && JSON.parse(request.body).provider === 'email')
    return {
      requests: emailSignups.map(({ path, body, status }) => ({ method: 'POST', path, headers: { ...JSON_TYPE, ...credentials.static }, body: JSON.stringify(format.wrap(JSON.parse(body))), status: format.status(status) })),
      ...(credentials.headersFor === undefined ? {} : { headersFor: credentials.headersFor })
    }
  },
  /** Registration callbacks: a new user per request (its own JWT), a body that says which write it was. */
  profiles ({ identity, runId }) {
    return {
      next (n) {
        const userId = `bench-${runId}-${n}`
        const body = JSON.stringify({ name: `User ${n}`, company: `write-${runId}-${n}` })
        return {
          method: 'POST',
          path: '/users/me',
          headers: { ...JSON_TYPE, authorization: `Bearer ${jwt(identity, userId)}` },
          body,
          status: 200,
          ack: { userId, company: `write-${runId}-${n}` }
        }
      }
    }
  },
  /** Signed-in users opening the UserHub portal; `users` tokens, reused round robin. */
  portal ({ identity, path, users, expectLocation }) {
    const tokens = Array.from({ length: users }, (_, i) => jwt(identity, `portal-user-${i}`))
    return {
      next: n => ({ method: 'GET', path, headers: { authorization: `Bearer ${tokens[n % users]}` }, status: 302, location: expectLocation })
    }
  },
  /** The fake provider called directly with auth-hooks' own request: the floor of the portal figure. */
  provider ({ adminKey, connectionId, apiVersion, users }) {
    const body = JSON.stringify({ returnUrl: 'http://127.0.0.1/' })
    return {
      next: n => ({
        method: 'POST',
        path: `/admin/v1/users/portal-user-${n % users}@${connectionId}:createPortalSession`,
        headers: { ...JSON_TYPE, authorization: `Bearer ${adminKey}`, 'userhub-api-version': apiVersion },
        body,
        status: 200
      })
    }
  }
}

/** The generator for a traffic spec `{kind, ...options}`, always with `next(n)`. */
export function traffic (spec) {
  const generator = KINDS[spec.kind](spec)
  if (generator.next !== undefined) return generator
  const { requests, headersFor } = generator
  return {
    ...generator,
    next (n) {
      const request = requests[n % requests.length]
      return headersFor === undefined ? request : { ...request, headers: { ...request.headers, ...headersFor(request.body) } }
    }
  }
}
