import type { ChargebeePortal } from '../../config/types.js'
import { claimString, type PortalProvider, type SessionInput } from './types.js'
import { createSession } from './http.js'

/** Chargebee's limits: customer[id] ≤ 50 characters, redirect_url and forward_url ≤ 250. */
export const CHARGEBEE_CUSTOMER_ID_MAX = 50
export const CHARGEBEE_URL_MAX = 250

function errorCode (body: unknown): string | undefined {
  const code = (body as { api_error_code?: unknown } | undefined)?.api_error_code
  return typeof code === 'string' ? code : undefined
}

/** Chargebee `POST /api/v2/portal_sessions`: HTTP Basic with the key as user, form-encoded with brackets. */
export function chargebeeProvider (config: ChargebeePortal, timeoutMs: number): PortalProvider {
  const base = (config.apiBaseUrl ?? `https://${config.site}.chargebee.com`).replace(/\/+$/, '')
  const claim = config.customerIdClaim ?? 'sub'
  const headers = {
    authorization: `Basic ${Buffer.from(`${config.apiKey}:`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    accept: 'application/json'
  }
  return {
    name: 'chargebee',
    baseUrl: base,
    passthroughParam: 'forward_url',
    passthroughMaxLength: CHARGEBEE_URL_MAX,
    needsSubscription: false,
    accountOf: identity => claimString(identity, claim, CHARGEBEE_CUSTOMER_ID_MAX),
    createSession: (input: SessionInput) => {
      const form = new URLSearchParams({ 'customer[id]': input.account })
      if (config.redirectUrl !== undefined) form.set('redirect_url', config.redirectUrl)
      if (input.passthrough !== undefined) form.set('forward_url', input.passthrough)
      return createSession({
        url: `${base}/api/v2/portal_sessions`,
        headers,
        body: form.toString(),
        timeoutMs,
        idempotent: false,
        errorCode,
        sessionUrl: body => (body as { portal_session?: { access_url?: unknown } } | undefined)?.portal_session?.access_url
      })
    }
  }
}
