import { ErrorCode, RequestError } from './errors.js'

/** Longest user-supplied redirect URL accepted; longer ones are refused, not truncated. */
export const MAX_REDIRECT_LENGTH = 2048

// Printable ASCII only: browsers silently drop tabs/newlines (`java\tscript:`) and other parsers
// disagree about spaces and non-ASCII, so anything else is refused rather than normalised.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/
// `/%2F%2Fevil.com` and `/%5Cevil.com` become protocol-relative once something decodes them.
const ENCODED_SLASH_START = /^\/(%2f|%5c)/i
const PARSE_BASE = 'http://relative.invalid'
// What URL parsers drop or trim (tabs, newlines, C0 controls, spaces), once a target is decoded.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const STRIPPED_BY_BROWSERS = /[\x00-\x20\x7f]/g

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
  const asSent = pathShape(raw)
  if (asSent !== null) return { ok: false, reason: asSent }
  // Whatever decodes the target next (a framework, a proxy, the app's router) must not be handed a
  // protocol-relative URL either: `/%09/evil.com` decodes to `/<tab>/evil.com`, and browsers drop
  // tabs and newlines, leaving `//evil.com`.
  // Decoded again up to twice more, for whatever decodes twice (`/%2509/evil.com`).
  let decoded = raw
  for (let round = 0; round < 3 && decoded.includes('%'); round++) {
    const next = decodeOnce(decoded)
    if (next === decoded) break
    decoded = next
    const shape = pathShape(decoded.replace(STRIPPED_BY_BROWSERS, ''))
    if (shape !== null) return { ok: false, reason: `${shape} when percent-decoded` }
  }
  const parsed = new URL(raw, PARSE_BASE)
  // Dot segments cannot leave the origin, but check the result rather than trust the reasoning.
  /* c8 ignore next */
  if (parsed.origin !== PARSE_BASE) return { ok: false, reason: 'leaves this site' }
  return { ok: true, url: raw }
}

/** Why a path (it starts with /, as sent or decoded) could leave this site; null when it cannot. */
function pathShape (path: string): string | null {
  if (path.startsWith('//')) return 'is protocol-relative (//host)'
  if (path.startsWith('/\\')) return 'is protocol-relative (/\\host)'
  if (ENCODED_SLASH_START.test(path)) return 'starts with an encoded slash'
  return null
}

/** Percent-decodes each %XX once, byte by byte (so a malformed sequence is left as it is, never an error). */
function decodeOnce (raw: string): string {
  return raw.replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)))
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
