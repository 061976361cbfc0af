/**
 * What both Supabase Auth dialects share (supabase/auth, read at bc32168e and in
 * internal/hooks/hookserrors/hookserrors.go, internal/hooks/hookshttp/hookshttp.go):
 *
 * - 200/202 bodies are checked for `{"error":{"http_code":N,"message":"…"}}`; a non-empty message
 *   makes the request fail with status N (0 → 500) and that message. An empty or absent message
 *   counts as no error — the request goes on — so a deny here never has an empty message [source].
 * - 400 → 500 "Invalid payload sent to hook", 401 → 500 "Hook requires authorization token", any
 *   other non-2xx → 500; 429/503 with Retry-After are retried at once within the 5 s budget [source].
 * - Content-Type must be application/json (parameters allowed) [source].
 */
import type { DenyDecision } from '../../policy/types.js'
import { isObject, nonEmpty, ruleData } from './shared.js'
import type { Answer, Refusal } from './types.js'

const FALLBACK_MESSAGE = 'Request denied by policy'

/** `{"error":{"http_code":N,"message":"…"}}`, never with an empty message (that would allow). */
export function supabaseError (httpCode: number, message: string): string {
  return JSON.stringify({ error: { http_code: httpCode, message: message === '' ? FALLBACK_MESSAGE : message } })
}

export function supabaseDeny (deny: DenyDecision): string {
  return supabaseError(deny.status, deny.message)
}

/**
 * auth-hooks' own refusals. A 401 keeps its status (the caller is not Supabase, or its secret is
 * wrong; Supabase answers its user 500 "Hook requires authorization token"). Every other refusal
 * (400 invalid request, 413, 415, 500) is answered 200 with an error object of http_code 500:
 * the user gets a 500 with our reason instead of Supabase's generic "Unexpected status code".
 * Both fail closed. A 503 overloaded is answered before the hook is known, natively; Supabase
 * retries it at once (Retry-After is sent) and then fails with 422 hook_timeout_after_retry.
 */
export function supabaseRefusal (refusal: Refusal): Answer {
  const body = supabaseError(500, `auth-hooks refused the hook request (${refusal.code}): ${refusal.message}`)
  return { status: refusal.status === 401 ? 401 : 200, body }
}

/**
 * `provider` as rules know it: `app_metadata.provider` (email, phone, google…), "anonymous" for
 * an anonymous sign-in (its app_metadata is {} [source: models/user.go]), else "unknown".
 * The mapping itself is auth-hooks' choice [inferred].
 */
export function supabaseProvider (appMetadata: unknown, isAnonymous: unknown): string {
  const provider = isObject(appMetadata) ? nonEmpty(appMetadata.provider) : undefined
  if (provider !== undefined) return provider
  return isAnonymous === true ? 'anonymous' : 'unknown'
}

/** `data` for rules: user_metadata, then the verified email and phone (absent when ""), then the body under `supabase`. */
export function supabaseData (userMetadata: unknown, email: unknown, phone: unknown, body: unknown): Record<string, unknown> {
  return ruleData(userMetadata, email, phone, 'supabase', body)
}
