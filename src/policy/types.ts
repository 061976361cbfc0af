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

/** The body the auth system posts to a hook: the client's request, as is, under `data`. */
export interface HookRequest {
  provider: string
  data: Record<string, unknown>
}

export interface Decision {
  outcome: 'allow' | 'deny'
  status: number
  body: { roles: string[] } | DenyBody
  /** The rule that decided; null when the hook's default did. */
  rule: string | null
}

export interface CompiledHook {
  name: HookName
  path: string
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
  /** Who may call the hooks (conf `caller`); the hooks feature compiles it once per policy. */
  caller: Caller
}
