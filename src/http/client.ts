import { Agent, request } from 'undici'

/** What a provider answered: its status, its Retry-After, and its JSON body (undefined when it sent none). */
export interface ProviderAnswer {
  status: number
  retryAfter: string | null
  body: unknown
}

export interface ProviderPost {
  headers: Record<string, string>
  body: string
  /** Ends the call, body included: the caller's whole time budget. */
  signal: AbortSignal
}

/** No answer body auth-hooks reads comes near this; a provider cannot make a call allocate without bound. */
export const MAX_ANSWER_BYTES = 1024 * 1024

// One connection pool for every provider call. undici's request API rather than fetch: fetch's
// WHATWG streams cost about 3 × the CPU per call (measured: 180 against 48 µs a POST with its
// JSON answer, client and server in one process), the largest part of a portal redirect.
const providers = new Agent({ maxResponseSize: MAX_ANSWER_BYTES })

async function jsonOf (body: { json: () => Promise<unknown> }): Promise<unknown> {
  try {
    return await body.json()
  } catch {
    return undefined
  }
}

/**
 * POSTs to a provider and reads its JSON answer. Redirects are answers, never followed. A body that
 * is not JSON, is over MAX_ANSWER_BYTES or stalls until the signal ends reads as undefined; the
 * call rejects when the provider cannot be reached or the signal ends before the answer's head.
 */
export async function postToProvider (url: string, post: ProviderPost): Promise<ProviderAnswer> {
  const answer = await request(url, { method: 'POST', headers: post.headers, body: post.body, signal: post.signal, dispatcher: providers })
  const retryAfter = answer.headers['retry-after']
  return { status: answer.statusCode, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, body: await jsonOf(answer.body) }
}
