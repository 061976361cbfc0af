import type { ErrorBody } from '../errors.js'

export type HookName = 'preSignup' | 'preLogin'

/** The body the auth system posts to a hook: the client's request, as is, under `data`. */
export interface HookRequest {
  provider: string
  data: Record<string, unknown>
}

export interface Decision {
  outcome: 'allow' | 'deny'
  status: number
  body: { roles: string[] } | ErrorBody
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
}

export interface Policy {
  /** Content hash of the config and every list file it reads. */
  version: string
  limits: Limits
  hooks: ReadonlyMap<HookName, CompiledHook>
}
