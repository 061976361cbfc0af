import type { CompiledHook, Decision, HookRequest } from '../../policy/types.js'

/** auth-hooks' own refusal of a request (not a policy decision): 401 caller, 400, 413, 415, 500… */
export interface Refusal {
  status: number
  code: string
  message: string
  detail?: unknown
}

/**
 * An HTTP answer. A string body is JSON already serialised (sent as application/json as is);
 * an object body goes through the route's response serializer (the native dialect's schemas).
 */
export interface Answer {
  status: number
  body: string | object
}

/** What a dialect needs to answer one hook, compiled at load (nothing per request that can be done once). */
export interface CompiledDialect {
  /** The request rules read, or a refusal (the body is not this system's request). */
  toRequest: (body: unknown) => HookRequest | Refusal
  answer: (decision: Decision, body: unknown) => Answer
  /** auth-hooks' own refusals, in a shape that fails closed in the calling system. */
  refuse: (refusal: Refusal) => Answer
}

/** One calling system's wire format. */
export interface Dialect {
  /** The JSON Schema of the body that system sends (checked by the dialect, described by `auth-hooks openapi`). */
  requestSchema: object
  compile: (hook: CompiledHook) => CompiledDialect
}

/**
 * A refusal of a request body. A class, not a shape: a native body is returned as the request
 * itself, so a body with a `status` key must never pass for a refusal.
 */
export class RequestRefusal implements Refusal {
  constructor (readonly status: number, readonly code: string, readonly message: string, readonly detail?: unknown) {}
}

export function isRefusal (value: HookRequest | Refusal): value is Refusal {
  return value instanceof RequestRefusal
}

export type HookRequestOrRefusal = HookRequest | Refusal
