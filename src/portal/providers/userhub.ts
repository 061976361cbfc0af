import type { UserHubPortal } from '../../config/types.js'
import { createSession } from './http.js'
import type { PortalProvider, SessionInput } from './types.js'

export const USERHUB_API_VERSION = '2025-05-01'
const DEFAULT_BASE_URL = 'https://api.userhub.com'

/** `auth0|123@conn_x` → `auth0%7C123@conn_x`: encoded as a path segment, keeping `@` and `:` as UserHub's SDK does. */
export function encodeUserId (userId: string): string {
  return encodeURIComponent(userId).replace(/%40/g, '@').replace(/%3A/g, ':')
}

function errorCode (body: unknown): string | undefined {
  const code = (body as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * UserHub `users/{userId}:createPortalSession`. The user is `{sub}@{connectionId}`, so UserHub
 * imports a user it does not know yet. The call is idempotent, so 5xx and network errors retry too.
 */
export function userhubProvider (config: UserHubPortal, timeoutMs: number): PortalProvider {
  const base = (config.apiBaseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const headers = {
    authorization: `Bearer ${config.adminKey}`,
    'userhub-api-version': USERHUB_API_VERSION,
    'content-type': 'application/json',
    accept: 'application/json'
  }
  return {
    name: 'userhub',
    baseUrl: base,
    passthroughParam: 'portalUrl',
    passthroughMaxLength: 2048,
    needsSubscription: false,
    accountOf: identity => `${identity.userId}@${config.connectionId}`,
    createSession: (input: SessionInput) => createSession({
      url: `${base}/admin/v1/users/${encodeUserId(input.account)}:createPortalSession`,
      headers,
      body: JSON.stringify({ portalUrl: input.passthrough, returnUrl: config.returnUrl }),
      timeoutMs,
      idempotent: true,
      errorCode,
      sessionUrl: body => (body as { redirectUrl?: unknown } | undefined)?.redirectUrl
    })
  }
}
