// Fake UserHub, Chargebee and Stripe APIs on one loopback server, for tests and for clicking
// through the portal flow locally (test/fakes/serve.mjs). Each endpoint checks a request the way
// the real API does (method, path encoding, auth header, content type, required fields, lengths)
// and answers with the real success and error bodies. Plain JavaScript so `node` runs it as is.
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:http'

export const USERHUB_API_VERSION = '2025-05-01'
const USERHUB_PATH = /^\/admin\/v1\/users\/([^/]+):createPortalSession$/
const USERHUB_BODY_KEYS = new Set(['portalUrl', 'returnUrl', 'successUrl', 'organizationId'])
const CHARGEBEE_PATH = '/api/v2/portal_sessions'
const CHARGEBEE_LIMITS = { 'customer[id]': 50, redirect_url: 250, forward_url: 250 }
const STRIPE_PATH = '/v1/billing_portal/sessions'
const STRIPE_PARAMS = new Set(['customer', 'return_url', 'configuration', 'locale', 'on_behalf_of', 'flow_data[type]',
  'flow_data[subscription_cancel][subscription]', 'flow_data[subscription_update][subscription]'])
const STRIPE_FLOWS = new Set(['payment_method_update', 'subscription_cancel', 'subscription_update', 'subscription_update_confirm'])
const PORTAL_PAGE = /^\/portal\/(userhub|chargebee|stripe)\/([A-Za-z0-9_-]+)$/

/** UserHub's encoding of a user id in the path: a path segment that keeps `@` and `:`. */
export function userhubPathSegment (userId) {
  return encodeURIComponent(userId).replace(/%40/g, '@').replace(/%3A/g, ':')
}

// ---- the providers' real error bodies ---------------------------------------------------------

export function userhubError (status, code, message, extra = {}) {
  return { status, body: { code, message, reason: extra.reason ?? '', param: extra.param ?? '', metadata: {}, localeMessage: message } }
}

export function chargebeeError (status, apiErrorCode, message, extra = {}) {
  const body = { message, ...(extra.type === undefined ? {} : { type: extra.type }), api_error_code: apiErrorCode }
  if (extra.param !== undefined) body.param = extra.param
  Object.assign(body, { error_code: extra.errorCode ?? apiErrorCode, error_msg: message, http_status_code: status })
  return { status, body }
}

export function stripeError (status, type, message, extra = {}) {
  const error = { message, type }
  if (extra.code !== undefined) Object.assign(error, { code: extra.code, doc_url: `https://stripe.com/docs/error-codes/${extra.code.replace(/_/g, '-')}` })
  if (extra.param !== undefined) error.param = extra.param
  return { status, body: { error } }
}

/** The body each provider sends with a status a test scripts (rate limits, outages). */
const SCRIPTED_ERRORS = {
  userhub: {
    400: () => userhubError(400, 'INVALID_ARGUMENT', 'Invalid argument.'),
    404: () => userhubError(404, 'NOT_FOUND', 'User not found.'),
    429: () => userhubError(429, 'RESOURCE_EXHAUSTED', 'Rate limit exceeded.'),
    500: () => userhubError(500, 'INTERNAL', 'Internal error.'),
    503: () => userhubError(503, 'UNAVAILABLE', 'Service unavailable.')
  },
  chargebee: {
    400: () => chargebeeError(400, 'invalid_request', 'Portal access via API is not enabled for this site.', { type: 'invalid_request', errorCode: 'configuration_incompatible' }),
    404: () => chargebeeError(404, 'resource_not_found', 'Sorry, we couldn\'t find that resource', { type: 'invalid_request', param: 'customer[id]' }),
    429: () => chargebeeError(429, 'api_request_limit_exceeded', 'Sorry, access has been blocked temporarily due to request count exceeding acceptable limits. Please try after some time.'),
    500: () => chargebeeError(500, 'internal_error', 'Sorry, Something went wrong when trying to process the request.'),
    503: () => chargebeeError(503, 'internal_temporary_error', 'Sorry, the request could not be processed. Please try again.')
  },
  stripe: {
    400: () => stripeError(400, 'invalid_request_error', 'You can\'t create a portal session in test mode until you save your customer portal settings in test mode.'),
    404: () => stripeError(404, 'invalid_request_error', 'Unrecognized request URL (POST: /v1/billing_portal/sessions).'),
    429: () => stripeError(429, 'invalid_request_error', 'Too many requests hit the API too quickly.', { code: 'rate_limit' }),
    500: () => stripeError(500, 'api_error', 'An unknown error occurred'),
    503: () => stripeError(503, 'api_error', 'The service is temporarily unavailable.')
  }
}

// ---- request checks, one function per provider -------------------------------------------------

function bearerKey (request) {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
  return match === null ? undefined : match[1]
}

function basicUser (request) {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.headers.authorization ?? '')
  if (match === null) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

function mediaType (request) {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
}

function userhub (fake, request, rawSegment, text) {
  if (bearerKey(request) !== fake.keys.userhub) return userhubError(401, 'UNAUTHENTICATED', 'Invalid or missing API key.')
  if (request.headers['userhub-api-version'] !== USERHUB_API_VERSION) {
    return userhubError(400, 'INVALID_ARGUMENT', `Unsupported API version "${request.headers['userhub-api-version'] ?? ''}".`, { param: 'UserHub-Api-Version' })
  }
  if (mediaType(request) !== 'application/json') return userhubError(400, 'INVALID_ARGUMENT', 'Content type must be application/json.')
  let userId
  try {
    userId = decodeURIComponent(rawSegment)
  } catch {
    return userhubError(400, 'INVALID_ARGUMENT', 'Invalid user id.', { param: 'userId' })
  }
  if (userhubPathSegment(userId) !== rawSegment) return userhubError(400, 'INVALID_ARGUMENT', 'User id is not encoded as a path segment.', { param: 'userId' })
  const at = userId.lastIndexOf('@')
  if (at <= 0) return userhubError(404, 'NOT_FOUND', 'User not found.', { param: 'userId' })
  if (userId.slice(at + 1) !== fake.userhubConnectionId) return userhubError(404, 'NOT_FOUND', 'Connection not found.', { param: 'userId' })
  let body
  try {
    body = JSON.parse(text)
  } catch {
    return userhubError(400, 'INVALID_ARGUMENT', 'Request body is not valid JSON.')
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return userhubError(400, 'INVALID_ARGUMENT', 'Request body must be an object.')
  for (const [key, value] of Object.entries(body)) {
    if (!USERHUB_BODY_KEYS.has(key)) return userhubError(400, 'INVALID_ARGUMENT', `Unknown field "${key}".`, { param: key })
    if (typeof value !== 'string') return userhubError(400, 'INVALID_ARGUMENT', `Field "${key}" must be a string.`, { param: key })
  }
  return { session: { user: userId, portalUrl: body.portalUrl, returnUrl: body.returnUrl } }
}

function chargebee (fake, request, text) {
  const credentials = basicUser(request)
  if (credentials === undefined || credentials.user !== fake.keys.chargebee || credentials.password !== '') {
    return chargebeeError(401, 'api_authentication_failed', 'Sorry, authentication failed. Invalid api key', { errorCode: 'api_authentication_invalid_key' })
  }
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    return chargebeeError(400, 'invalid_request', 'The request content type is not supported.', { type: 'invalid_request', errorCode: 'invalid_content_type' })
  }
  const form = new URLSearchParams(text)
  const customerId = form.get('customer[id]')
  if (customerId === null || customerId === '') {
    return chargebeeError(400, 'param_wrong_value', 'customer[id] : cannot be blank', { type: 'invalid_request', param: 'customer[id]', errorCode: 'param_not_present' })
  }
  for (const [param, max] of Object.entries(CHARGEBEE_LIMITS)) {
    const value = form.get(param)
    if (value !== null && value.length > max) {
      return chargebeeError(400, 'param_wrong_value', `${param} : length should be less than or equal to ${max}`, { type: 'invalid_request', param, errorCode: 'param_length_exceeded' })
    }
  }
  if (!fake.customers.has(customerId)) return SCRIPTED_ERRORS.chargebee[404]()
  return { session: { customer: customerId, redirectUrl: form.get('redirect_url') ?? undefined, forwardUrl: form.get('forward_url') ?? undefined } }
}

function stripe (fake, request, text) {
  const key = bearerKey(request)
  if (key === undefined) return stripeError(401, 'invalid_request_error', 'You did not provide an API key.')
  if (key !== fake.keys.stripe) return stripeError(401, 'invalid_request_error', `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`, { code: 'api_key_invalid' })
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    return stripeError(400, 'invalid_request_error', 'Invalid request: unsupported Content-Type. Use application/x-www-form-urlencoded.')
  }
  const form = new URLSearchParams(text)
  for (const param of form.keys()) {
    if (!STRIPE_PARAMS.has(param)) return stripeError(400, 'invalid_request_error', `Received unknown parameter: ${param}`, { code: 'parameter_unknown', param })
  }
  const customer = form.get('customer')
  if (customer === null) return stripeError(400, 'invalid_request_error', 'Missing required param: customer.', { code: 'parameter_missing', param: 'customer' })
  if (!fake.customers.has(customer)) return stripeError(400, 'invalid_request_error', `No such customer: '${customer}'`, { code: 'resource_missing', param: 'customer' })
  const returnUrl = form.get('return_url')
  if (returnUrl !== null && !/^https?:\/\/[^\s]+$/.test(returnUrl)) return stripeError(400, 'invalid_request_error', 'Not a valid URL', { code: 'url_invalid', param: 'return_url' })
  const flow = form.get('flow_data[type]')
  if (flow !== null && !STRIPE_FLOWS.has(flow)) {
    return stripeError(400, 'invalid_request_error', `Invalid flow_data[type]: must be one of ${[...STRIPE_FLOWS].join(', ')}`, { code: 'parameter_invalid_string', param: 'flow_data[type]' })
  }
  if ((flow === 'subscription_cancel' || flow === 'subscription_update') && form.get(`flow_data[${flow}][subscription]`) === null) {
    return stripeError(400, 'invalid_request_error', `Missing required param: flow_data[${flow}][subscription].`, { code: 'parameter_missing', param: `flow_data[${flow}][subscription]` })
  }
  return { session: { customer, returnUrl: returnUrl ?? undefined, configuration: form.get('configuration') ?? undefined, flow: flow ?? undefined } }
}

// ---- success bodies ----------------------------------------------------------------------------

function successBody (fake, provider, session, token) {
  const url = `${fake.url}/portal/${provider}/${token}`
  const now = Math.floor(Date.now() / 1000)
  if (provider === 'userhub') return { redirectUrl: url }
  if (provider === 'chargebee') {
    return {
      portal_session: {
        id: `portal_${token.slice(0, 16)}`,
        token,
        access_url: url,
        redirect_url: session.redirectUrl,
        status: 'created',
        created_at: now,
        expires_at: now + 3600,
        object: 'portal_session',
        customer_id: session.customer,
        linked_customers: [{ customer_id: session.customer, has_billing_address: false, has_payment_method: false, has_active_subscription: false, object: 'linked_customer' }]
      }
    }
  }
  return {
    id: `bps_${token.slice(0, 24)}`,
    object: 'billing_portal.session',
    configuration: session.configuration ?? 'bpc_default',
    created: now,
    customer: session.customer,
    flow: session.flow === undefined ? null : { type: session.flow },
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: session.returnUrl ?? null,
    url
  }
}

function portalPage (fake, provider, token, response) {
  const session = fake.sessions.get(token)
  if (session === undefined || session.provider !== provider || session.used) {
    response.writeHead(401, { 'content-type': 'text/html; charset=utf-8' })
    response.end('<!doctype html><title>Session expired</title><h1>This portal link has expired</h1>')
    return
  }
  session.used = true
  const who = session.user ?? session.customer
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
  response.end(`<!doctype html><title>Fake ${provider} portal</title><h1 id="portal">Fake ${provider} portal</h1><p id="account">${who.replace(/[<>&"']/g, '')}</p>`)
}

// ---- the server ----------------------------------------------------------------------------------

function send (response, status, body, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}`, ...headers })
  response.end(JSON.stringify(body))
}

function route (request, path) {
  const userhubMatch = USERHUB_PATH.exec(path)
  if (userhubMatch !== null) return { provider: 'userhub', segment: userhubMatch[1] }
  if (path === CHARGEBEE_PATH) return { provider: 'chargebee' }
  if (path === STRIPE_PATH) return { provider: 'stripe' }
  return undefined
}

/** Runs a scripted behaviour; true when it answered (or dropped) the request itself. */
async function scripted (step, provider, response) {
  if (step.delayMs !== undefined) await new Promise(resolve => setTimeout(resolve, step.delayMs))
  if (step.destroy === true) {
    response.socket.destroy()
    return true
  }
  if (step.stallBody === true) {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('{"redirectUrl":')
    return true
  }
  if (step.status === undefined) return false
  const { status, body } = step.body === undefined ? SCRIPTED_ERRORS[provider][step.status]() : { status: step.status, body: step.body }
  send(response, status, body, step.headers)
  return true
}

/**
 * Starts the fakes. `keys` are the credentials each API accepts, `customers` the Chargebee and
 * Stripe customer ids that exist, `userhubConnectionId` the UserHub connection. Queue scripted
 * behaviours per provider with `fake.script.stripe.push({status: 429, headers: {'retry-after': '0'}})`,
 * `{delayMs}`, `{destroy: true}`, `{stallBody: true}` or `{status: 200, body: {...}}`.
 */
export async function startFakeProviders (options) {
  const fake = {
    url: '',
    keys: options.keys,
    customers: new Set(options.customers ?? []),
    userhubConnectionId: options.userhubConnectionId,
    requests: [],
    sessions: new Map(),
    script: { userhub: [], chargebee: [], stripe: [] },
    server: undefined,
    close: async () => {
      fake.server.closeAllConnections()
      fake.server.close()
      await once(fake.server, 'close')
    }
  }
  fake.server = createServer(async (request, response) => {
    const rawPath = (request.url ?? '/').split('?')[0]
    const portal = PORTAL_PAGE.exec(rawPath)
    if (request.method === 'GET' && portal !== null) return portalPage(fake, portal[1], portal[2], response)
    const target = route(request, rawPath)
    if (target === undefined) return send(response, 404, { error: 'not found' })
    const chunks = []
    for await (const chunk of request) chunks.push(chunk)
    const text = Buffer.concat(chunks).toString('utf8')
    fake.requests.push({ provider: target.provider, method: request.method, path: rawPath, headers: request.headers, body: text })
    if (request.method !== 'POST') return send(response, 405, SCRIPTED_ERRORS[target.provider][404]().body)
    const checked = target.provider === 'userhub'
      ? userhub(fake, request, target.segment, text)
      : target.provider === 'chargebee' ? chargebee(fake, request, text) : stripe(fake, request, text)
    if (checked.session === undefined) return send(response, checked.status, checked.body)
    const step = fake.script[target.provider].shift()
    if (step !== undefined && await scripted(step, target.provider, response)) return
    const token = randomBytes(18).toString('base64url')
    fake.sessions.set(token, { provider: target.provider, used: false, ...checked.session })
    send(response, 200, successBody(fake, target.provider, checked.session, token))
  })
  fake.server.listen(options.port ?? 0, options.host ?? '127.0.0.1')
  await once(fake.server, 'listening')
  const address = fake.server.address()
  fake.url = options.publicUrl ?? `http://${options.host ?? '127.0.0.1'}:${address.port}`
  return fake
}
