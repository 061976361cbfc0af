import type { CompiledHook, Policy } from '../policy/types.js'
import type { CallerCheck } from './caller.js'
import type { CompiledDialect } from './dialects/types.js'

/** The policy and hook a request was routed by, fixed when it arrives so one policy decides it wholly. */
export interface HookTarget {
  policy: Policy
  hook: CompiledHook
  /** The hook's caller section, compiled once per policy (secrets decoded at load, never per request). */
  caller: CallerCheck
  /** The hook's dialect, compiled once per policy (its denies rendered at load). */
  dialect: CompiledDialect
}

declare module 'fastify' {
  interface FastifyRequest {
    hookTarget: HookTarget | null
  }
}
