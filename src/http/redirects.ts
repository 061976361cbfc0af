import { ErrorCode, RequestError } from './errors.js'

/** Longest user-supplied redirect URL accepted; longer ones are refused, not truncated. */
export const MAX_REDIRECT_LENGTH = 2048

// Printable ASCII only: browsers silently drop tabs/newlines (`java\tscript:`) and other parsers
// disagree about spaces and non-ASCII, so anything else is refused rather than normalised.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/
// `/%2F%2Fevil.com` and `/%5Cevil.com` become protocol-relative once something decodes them.
const ENCODED_SLASH_START = /^\/(%2f|%5c)/i
const PARSE_BASE = 'http://relative.invalid'

export type RedirectCheck =
  | { ok: true, url: string }
  | { ok: false, reason: string }

/** A compiled allowlist: origins normalised once at load, looked up in O(1). */
export class OriginAllowlist {
  readonly #origins: Set<string>

  constructor (origins: Iterable<string> = []) {
    this.#origins = new Set([...origins].map(origin => new URL(origin).origin))
  }

  has (origin: string): boolean {
    return this.#origins.has(origin)
  }

  /** A new allowlist with these origins added. */
  with (origins: Iterable<string> = []): OriginAllowlist {
    return new OriginAllowlist([...this.#origins, ...origins])
  }
}

/**
 * Accepts a redirect target only as an absolute path on this site (`/a/b?c`) or as a URL whose
 * origin is on the allowlist. Returns the input unchanged when it is accepted, so placeholders
 * like UserHub's `{accountId}` survive; refuses everything else with a reason.
 */
export function checkRedirect (raw: string, allowlist: OriginAllowlist): RedirectCheck {
  if (raw.length === 0) return { ok: false, reason: 'is empty' }
  if (raw.length > MAX_REDIRECT_LENGTH) return { ok: false, reason: `is longer than ${MAX_REDIRECT_LENGTH} characters` }
  if (!PRINTABLE_ASCII.test(raw)) return { ok: false, reason: 'contains spaces, control or non-ASCII characters' }
  if (raw.includes('\\')) return { ok: false, reason: 'contains a backslash' }
  if (raw.startsWith('/')) return checkPath(raw)
  return checkAbsolute(raw, allowlist)
}

function checkPath (raw: string): RedirectCheck {
  if (raw.startsWith('//')) return { ok: false, reason: 'is protocol-relative (//host)' }
  if (ENCODED_SLASH_START.test(raw)) return { ok: false, reason: 'starts with an encoded slash' }
  const parsed = new URL(raw, PARSE_BASE)
  // Dot segments cannot leave the origin, but check the result rather than trust the reasoning.
  /* c8 ignore next */
  if (parsed.origin !== PARSE_BASE) return { ok: false, reason: 'leaves this site' }
  return { ok: true, url: raw }
}

function checkAbsolute (raw: string, allowlist: OriginAllowlist): RedirectCheck {
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    return { ok: false, reason: 'is neither a path nor a URL' }
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, reason: `uses the ${parsed.protocol} scheme` }
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, reason: 'contains user info (user@host)' }
  // The raw text must spell the origin exactly as parsed: refuses `https:evil.com`, `HTTPS://…`,
  // explicit default ports and anything else where parsers might disagree about the host.
  if (!(raw === parsed.origin || raw.startsWith(`${parsed.origin}/`) || raw.startsWith(`${parsed.origin}?`) || raw.startsWith(`${parsed.origin}#`))) {
    return { ok: false, reason: 'is not in canonical form (lower-case scheme://host[:port])' }
  }
  if (!allowlist.has(parsed.origin)) return { ok: false, reason: `points to ${parsed.origin}, which is not an allowed origin` }
  return { ok: true, url: raw }
}

/**
 * `checkRedirect` for request handlers: the accepted URL, or a RequestError that the error
 * handler answers with 400 `{"code": "unsafe-redirect", "message": "<what> <reason>"}`.
 */
export function safeRedirect (raw: string, allowlist: OriginAllowlist, what = 'redirect URL'): string {
  const check = checkRedirect(raw, allowlist)
  if (!check.ok) throw new RequestError(400, ErrorCode.unsafeRedirect, `${what} ${check.reason}`)
  return check.url
}
