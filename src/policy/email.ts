import { domainToASCII } from 'node:url'
import { mixesScripts } from './scripts.js'

// Whitespace, C0/C1 control characters, the Unicode line/paragraph separators, and every character
// that renders as nothing or reorders text: format characters (Cf: zero-width space and joiners,
// U+2060, U+FEFF, U+00AD, bidi controls U+200E/U+200F/U+202A-U+202E/U+2066-U+2069) and every other
// Default_Ignorable_Code_Point (U+180E, U+115F, variation selectors...). IDN mapping would silently
// drop most of them, so `alice@company.com\u200b` would read as company.com.
const UNSAFE = /[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]/u
const ASCII_DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/
// A name whose last label is a number is an IPv4 address to URL parsers and resolvers (WHATWG
// "ends in a number": decimal or 0x hex), never a DNS name: 1.2.3.4, 127.0.0.1., 0x7f.1
const ENDS_IN_NUMBER = /(^|\.)(\d+|0x[0-9a-f]*)$/
const NON_ASCII = /[^\x00-\x7f]/ // eslint-disable-line no-control-regex
// domainToASCII silently drops everything after '/', '?', '#' and decodes '%xx': only DNS
// characters may sit beside the non-ASCII ones.
const NON_DNS_ASCII = /[\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/ // eslint-disable-line no-control-regex

/**
 * Normalises a domain for comparison: lower case, one trailing dot dropped, internationalised
 * labels converted to punycode. Returns null for anything that is not a plain DNS name
 * (IP literals, empty labels, stray characters), so callers can fail closed.
 */
export function normalizeDomain (input: string): string | null {
  let domain = input.endsWith('.') ? input.slice(0, -1) : input
  if (domain.length === 0 || domain.length > 253) return null
  if (NON_ASCII.test(domain)) {
    if (NON_DNS_ASCII.test(domain) || UNSAFE.test(domain)) return null
    domain = domainToASCII(domain)
  } else {
    domain = domain.toLowerCase()
  }
  if (!ASCII_DOMAIN.test(domain) || ENDS_IN_NUMBER.test(domain)) return null
  for (const label of domain.split('.')) {
    if (label.length > 63 || label.startsWith('-') || label.endsWith('-')) return null
  }
  // DNS's 253-character limit applies to the punycode form, which can be far longer than the input.
  if (domain.length > 253 || mixesScripts(domain)) return null
  return domain
}

/** End of a quoted local part (`"a@b"@host`), or -1 when the quote never closes. */
function quotedLocalEnd (address: string): number {
  for (let i = 1; i < address.length; i++) {
    if (address[i] === '\\') i++
    else if (address[i] === '"') return i
  }
  return -1
}

/** Index of the single unquoted `@` of an address, or -1 when the address does not split cleanly. */
function atOf (address: string): number {
  if (UNSAFE.test(address)) return -1
  if (address.startsWith('"')) {
    const close = quotedLocalEnd(address)
    if (close < 0 || address[close + 1] !== '@') return -1
    const at = close + 1
    return address.indexOf('@', at + 1) === -1 ? at : -1
  }
  const at = address.indexOf('@')
  return at <= 0 || address.indexOf('@', at + 1) !== -1 ? -1 : at
}

/**
 * The normalised domain of an email address, or null when the address does not parse cleanly:
 * no `@` or more than one unquoted `@`, an empty local part or domain, whitespace, control or
 * invisible characters anywhere, or a domain that is not a DNS name.
 */
export function emailDomain (address: string): string | null {
  const at = atOf(address)
  return at === -1 ? null : normalizeDomain(address.slice(at + 1))
}

/** An address as this parser reads it: the local part's content and the normalised domain. */
export interface ParsedAddress {
  /** The local part with its quotes and backslash escapes removed (`"a\\"b"` → `a"b`). */
  local: string
  /** Whether the local part was quoted. */
  quoted: boolean
  domain: string
}

/** Parses an address by the same rules as `emailDomain`; null when it does not parse. */
export function parseAddress (address: string): ParsedAddress | null {
  const at = atOf(address)
  if (at === -1) return null
  const domain = normalizeDomain(address.slice(at + 1))
  if (domain === null) return null
  const quoted = address.startsWith('"')
  const local = quoted ? address.slice(1, at - 1).replace(/\\([^])/g, '$1') : address.slice(0, at)
  return { local, quoted, domain }
}
