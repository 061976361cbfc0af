import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Portal, Portals } from '../config/types.js'
import { ErrorCode, RequestError, errorBodySchema } from '../http/errors.js'
import { failurePageHtml, type FailurePage } from '../http/pages.js'
import { chargebeeProvider } from './providers/chargebee.js'
import type { ProviderFailure } from './providers/http.js'
import { stripeProvider } from './providers/stripe.js'
import type { PortalProvider } from './providers/types.js'
import { userhubProvider } from './providers/userhub.js'
import { safeRedirect, type OriginAllowlist } from '../http/redirects.js'

const DEFAULT_TIMEOUT_MS = 5000
const SUBSCRIPTION_ID = /^sub_[A-Za-z0-9]{1,250}$/

type PortalQuery = Record<string, string | undefined>

interface CompiledPortal {
  name: string
  provider: PortalProvider
  allowlist: OriginAllowlist
  failureUrl: string | undefined
}

const htmlPage = { type: 'string', description: 'A plain HTML page for the user, with a request id.' } as const

const schema = {
  // Other parameters (utm_*, …) are ignored; a known one given twice is refused in the handler.
  querystring: {
    type: 'object',
    properties: {
      portalUrl: { type: 'string' },
      forward_url: { type: 'string' },
      subscription: { type: 'string' }
    }
  },
  response: {
    302: { type: 'null', description: 'To the provider\'s one-time portal URL, the sign-in page, or the failure URL.' },
    400: errorBodySchema,
    403: htmlPage,
    500: errorBodySchema,
    502: htmlPage,
    504: htmlPage
  }
}

function providerFor (portal: Portal): PortalProvider {
  const timeoutMs = portal.timeoutMs ?? DEFAULT_TIMEOUT_MS
  switch (portal.provider) {
    case 'userhub': return userhubProvider(portal.userhub!, timeoutMs)
    case 'chargebee': return chargebeeProvider(portal.chargebee!, timeoutMs)
    case 'stripe': return stripeProvider(portal.stripe!, timeoutMs)
  }
}

const NO_CUSTOMER: FailurePage = {
  status: 403,
  code: ErrorCode.noCustomer,
  title: 'No billing account yet',
  message: 'Your account is not linked to a billing account, so the portal cannot be opened.'
}

function pageFor (failure: ProviderFailure): FailurePage {
  if (failure.kind === 'timeout') {
    return { status: 504, code: ErrorCode.portalTimeout, title: 'The portal is taking too long', message: 'The portal did not answer in time. Please try again in a minute.' }
  }
  if (failure.kind === 'http' && failure.status !== 429 && (failure.status as number) < 500) {
    return { status: 502, code: ErrorCode.portalRefused, title: 'The portal could not be opened', message: 'The portal refused to open a session for your account. Our team can see what went wrong.' }
  }
  return { status: 502, code: ErrorCode.portalUnavailable, title: 'The portal is unavailable', message: 'The portal could not be reached. Please try again in a few minutes.' }
}

/** The user-supplied parts of the request, checked before anything else happens. */
function checkedInput (portal: CompiledPortal, query: PortalQuery): { passthrough?: string, subscription?: string } {
  const { provider } = portal
  const input: { passthrough?: string, subscription?: string } = {}
  const raw = provider.passthroughParam === undefined ? undefined : query[provider.passthroughParam]
  if (raw !== undefined) {
    const max = provider.passthroughMaxLength as number
    if (raw.length > max) throw new RequestError(400, ErrorCode.unsafeRedirect, `${provider.passthroughParam as string} is longer than ${max} characters`)
    input.passthrough = safeRedirect(raw, portal.allowlist, provider.passthroughParam)
  }
  if (provider.needsSubscription) {
    const subscription = query.subscription
    if (subscription === undefined || !SUBSCRIPTION_ID.test(subscription)) {
      throw new RequestError(400, ErrorCode.invalidRequest, 'subscription must be a Stripe subscription id (sub_...)')
    }
    input.subscription = subscription
  }
  return input
}

function fail (request: FastifyRequest, reply: FastifyReply, portal: CompiledPortal, page: FailurePage): FastifyReply {
  request.server.refusals.count(page.code)
  if (portal.failureUrl !== undefined) {
    const target = new URL(portal.failureUrl, 'http://failure.invalid')
    target.searchParams.set('code', page.code)
    target.searchParams.set('request_id', request.id)
    const location = portal.failureUrl.startsWith('/') ? `${target.pathname}${target.search}${target.hash}` : target.href
    return reply.redirect(location, 302)
  }
  return reply.code(page.status).type('text/html; charset=utf-8').send(failurePageHtml(page, request.id))
}

function portalHandler (app: FastifyInstance, portal: CompiledPortal) {
  const { identifier } = app
  const { provider } = portal
  return async function openPortal (request: FastifyRequest<{ Querystring: PortalQuery }>, reply: FastifyReply): Promise<FastifyReply> {
    // One-time URLs, sign-in bounces and error pages are all per user and per moment.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
    if (request.validationError !== undefined) throw new RequestError(400, ErrorCode.invalidRequest, 'portalUrl, forward_url and subscription may each appear once')
    const input = checkedInput(portal, request.query)
    const identity = await request.identify()
    if (identity === null) return reply.redirect(identifier.signInRedirect(request), 302)
    const account = provider.accountOf(identity)
    if (account === null) {
      request.log.warn({ portal: portal.name, provider: provider.name, code: ErrorCode.noCustomer }, 'portal: identity has no provider account')
      return fail(request, reply, portal, NO_CUSTOMER)
    }
    const result = await provider.createSession({ account, ...input })
    const ms = Math.round(reply.elapsedTime)
    if (result.ok) {
      request.log.info({ portal: portal.name, provider: provider.name, attempts: result.attempts, ms }, 'portal session created')
      return reply.redirect(result.url, 302)
    }
    const page = pageFor(result.failure)
    request.log.warn({ portal: portal.name, provider: provider.name, code: page.code, ...result.failure, ms }, 'portal session failed')
    return fail(request, reply, portal, page)
  }
}

export interface PortalRoutesOptions {
  portals: Portals
}

/** One GET route per configured portal; providers and allowlists are built once, here. */
export default async function portalRoutes (app: FastifyInstance, options: PortalRoutesOptions): Promise<void> {
  if (!app.hasDecorator('identifier')) throw new Error('portals need the identity section (how users are recognised)')
  for (const [name, config] of Object.entries(options.portals)) {
    const portal: CompiledPortal = {
      name,
      provider: providerFor(config),
      allowlist: app.identifier.allowedOrigins.with(config.allowedOrigins),
      failureUrl: config.failureUrl
    }
    // No automatic HEAD route: link checkers would create portal sessions nobody uses.
    app.get(config.path, { schema, attachValidation: true, exposeHeadRoute: false }, portalHandler(app, portal))
  }
}
