import type { Identity } from '../../identity/identity.js'
import type { SessionResult } from './http.js'

/** What a portal route passes to its provider, every user-supplied part already checked. */
export interface SessionInput {
  /** The provider-side account: UserHub user, Chargebee or Stripe customer id. */
  account: string
  /** The provider's passthrough URL (UserHub portalUrl, Chargebee forward_url), redirect-checked. */
  passthrough?: string
  /** Stripe subscription flows: the subscription the flow is about. */
  subscription?: string
}

/** One provider's create-session call, configured once at load. */
export interface PortalProvider {
  readonly name: 'userhub' | 'chargebee' | 'stripe'
  /** The API base URL calls go to (the provider's own unless overridden). */
  readonly baseUrl: string
  /** Query parameter carrying a URL the provider will send the user to, if the provider has one. */
  readonly passthroughParam?: string
  /** The provider's length limit for that URL. */
  readonly passthroughMaxLength?: number
  /** Whether the route needs `?subscription=sub_...` (Stripe subscription flows). */
  readonly needsSubscription: boolean
  /** The provider-side account for this user, or null when the identity carries none usable. */
  accountOf: (identity: Identity) => string | null
  createSession: (input: SessionInput) => Promise<SessionResult>
}

/** A string claim usable as an account id, or null. */
export function claimString (identity: Identity, claim: string, maxLength: number): string | null {
  const value = identity.claims[claim]
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : null
}
