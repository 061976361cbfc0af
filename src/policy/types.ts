import type { Caller } from '../config/types.js'

export type HookName = 'preSignup' | 'preLogin'

/** The codes the policy itself answers with; rule denials carry the operator's own codes. */
export const PolicyCode = {
  denied: 'denied',
  fieldTooLong: 'field-too-long'
} as const

/** What a deny says: a stable code, a message for the user and optional JSON detail. */
export interface DenyBody {
  code: string
  message: string
  detail?: unknown
}

/**
 * What rules read: a provider name and the client's fields under `data`. The native dialect
 * receives exactly this; every other dialect maps its system's body onto it.
 */
export interface HookRequest {
  provider: string
  data: Record<string, unknown>
}

/** What decided: a rule, the hook's default, or a refusal of the request itself (a field over the length limit). */
export type DecidedBy = 'rule' | 'default' | 'field-too-long'

export interface AllowDecision {
  outcome: 'allow'
  by: 'rule' | 'default'
  /** The rule that decided; null when the hook's default did. */
  rule: string | null
  roles: string[]
}

/**
 * A deny: the status the native protocol answers with (a 4xx) and what to tell the user. Each
 * dialect renders it in its own system's shape; the decision itself is no HTTP body.
 */
export interface DenyDecision extends DenyBody {
  outcome: 'deny'
  by: DecidedBy
  rule: string | null
  status: number
}

export type Decision = AllowDecision | DenyDecision

export interface CompiledHook {
  name: HookName
  /** The wire format the calling system speaks (conf `dialect`; native when left out). */
  dialect: DialectName
  path: string
  /** Whether this hook's answer can carry roles (the hooks table). */
  roles: boolean
  /** Who may call this hook: the hook's own `caller`, else the config's. */
  caller: Caller
  /** The dialect's options from the hook entry (e.g. `supabase`, `kratos`, `okta`), as validated. */
  options: Readonly<Record<string, unknown>>
  /** Every deny the hook's rules and default can answer with, so a dialect can render each once at load. */
  denials: readonly DenyDecision[]
  decide: (request: HookRequest) => Decision
}

export interface Limits {
  bodyBytes: number
  fieldLength: number
  jsonDepth: number
  stringLength: number
  eventLoopDelayMs: number
  retryAfterSeconds: number
}

export interface Policy {
  /** Content hash of the config and every list file it reads. */
  version: string
  limits: Limits
  hooks: ReadonlyMap<HookName, CompiledHook>
  /** Who may call the hooks (conf `caller`); a hook's own `caller` overrides it. */
  caller: Caller
}

/** The wire formats auth-hooks speaks; each has a module in src/hooks/dialects/. */
export type DialectName =
  | 'native'
  | 'supabase-before-user-created'
  | 'supabase-custom-access-token'
  | 'kratos'
  | 'okta-registration'
