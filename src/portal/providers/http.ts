import { setTimeout as sleep } from 'node:timers/promises'
import { postToProvider, type ProviderAnswer } from '../../http/client.js'

/** Why a provider call produced no portal URL. Logged with the provider's own error code. */
export interface ProviderFailure {
  kind: 'timeout' | 'network' | 'http' | 'bad-response'
  /** The provider's HTTP status, for `http` failures. */
  status?: number
  /** The provider's error code from its error body (e.g. INVALID_ARGUMENT, resource_missing). */
  providerCode?: string
  attempts: number
}

export type SessionResult = { ok: true, url: string, attempts: number } | { ok: false, failure: ProviderFailure }

export interface ProviderCall {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
  /** Also retry 5xx and network errors: only for calls the provider documents as idempotent. */
  idempotent: boolean
  /** The provider's error code inside its JSON error body. */
  errorCode: (body: unknown) => string | undefined
  /** The one-time portal URL inside the provider's JSON success body. */
  sessionUrl: (body: unknown) => unknown
}

const MAX_ATTEMPTS = 3
const BASE_BACKOFF_MS = 200
const MAX_BACKOFF_MS = 2000

/** Wait before attempt `attempt + 1`: Retry-After when the provider sends one, else exponential. */
function backoffMs (attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter)
  const wanted = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : BASE_BACKOFF_MS * 2 ** (attempt - 1)
  return Math.min(wanted, MAX_BACKOFF_MS)
}

/** A usable one-time URL: an absolute http(s) URL; anything else is a bad response, never followed. */
function portalUrl (value: unknown): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined
  const { protocol } = new URL(value)
  return protocol === 'https:' || protocol === 'http:' ? value : undefined
}

/**
 * POSTs a create-session call within one time budget (retries included): 429 is retried with
 * backoff (nothing was created), 5xx and network errors only when the call is idempotent.
 * Never follows redirects and never puts the URL or keys in the result's failure.
 */
export async function createSession (call: ProviderCall): Promise<SessionResult> {
  const signal = AbortSignal.timeout(call.timeoutMs)
  let last: ProviderFailure = { kind: 'network', attempts: 0 }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let answer: ProviderAnswer
    try {
      answer = await postToProvider(call.url, { headers: call.headers, body: call.body, signal })
    } catch {
      if (signal.aborted) return { ok: false, failure: { kind: 'timeout', attempts: attempt } }
      last = { kind: 'network', attempts: attempt }
      if (!call.idempotent || attempt === MAX_ATTEMPTS || !await wait(attempt, null, signal)) break
      continue
    }
    const { status, body } = answer
    // A body that stalls until the budget runs out reads as undefined: that is a timeout.
    if (signal.aborted) return { ok: false, failure: { kind: 'timeout', attempts: attempt } }
    if (status === 200) {
      const url = portalUrl(call.sessionUrl(body))
      return url === undefined ? { ok: false, failure: { kind: 'bad-response', status: 200, attempts: attempt } } : { ok: true, url, attempts: attempt }
    }
    last = { kind: 'http', status, providerCode: call.errorCode(body), attempts: attempt }
    const retryable = status === 429 || (call.idempotent && status >= 500)
    if (!retryable || attempt === MAX_ATTEMPTS || !await wait(attempt, answer.retryAfter, signal)) break
  }
  return { ok: false, failure: last }
}

/** Sleeps before the next attempt; false when the budget runs out first. */
async function wait (attempt: number, retryAfter: string | null, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(backoffMs(attempt, retryAfter), undefined, { signal })
    return true
  } catch {
    return false
  }
}
