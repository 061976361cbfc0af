import type { StripePortal } from '../../config/types.js'
import { createSession } from './http.js'
import { claimString, type PortalProvider, type SessionInput } from './types.js'

const DEFAULT_BASE_URL = 'https://api.stripe.com'
// Stripe object ids are far shorter; this only bounds what a claim may carry into the request.
const CUSTOMER_ID_MAX = 255

function errorCode (body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown, type?: unknown } } | undefined)?.error
  const code = error?.code ?? error?.type
  return typeof code === 'string' ? code : undefined
}

/** Stripe `POST /v1/billing_portal/sessions`: Bearer secret key, form-encoded with brackets. */
export function stripeProvider (config: StripePortal, timeoutMs: number): PortalProvider {
  const base = (config.apiBaseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const claim = config.customerIdClaim ?? 'sub'
  const flow = config.flowType
  const headers = {
    authorization: `Bearer ${config.secretKey}`,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json'
  }
  return {
    name: 'stripe',
    baseUrl: base,
    needsSubscription: flow === 'subscription_cancel' || flow === 'subscription_update',
    accountOf: identity => claimString(identity, claim, CUSTOMER_ID_MAX),
    createSession: (input: SessionInput) => {
      const form = new URLSearchParams({ customer: input.account })
      if (config.returnUrl !== undefined) form.set('return_url', config.returnUrl)
      if (config.configuration !== undefined) form.set('configuration', config.configuration)
      if (config.locale !== undefined) form.set('locale', config.locale)
      if (flow !== undefined) form.set('flow_data[type]', flow)
      if (input.subscription !== undefined) form.set(`flow_data[${flow as string}][subscription]`, input.subscription)
      return createSession({
        url: `${base}/v1/billing_portal/sessions`,
        headers,
        body: form.toString(),
        timeoutMs,
        idempotent: false,
        errorCode,
        sessionUrl: body => (body as { url?: unknown } | undefined)?.url
      })
    }
  }
}
