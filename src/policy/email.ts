import { domainToASCII } from 'node:url'

// Whitespace, C0/C1 control characters and the Unicode line/paragraph separators.
const UNSAFE = /[\s\p{Cc}\u2028\u2029]/u
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
    if (NON_DNS_ASCII.test(domain)) return null
    domain = domainToASCII(domain)
  } else {
    domain = domain.toLowerCase()
  }
  if (!ASCII_DOMAIN.test(domain) || ENDS_IN_NUMBER.test(domain)) return null
  for (const label of domain.split('.')) {
    if (label.length > 63 || label.startsWith('-') || label.endsWith('-')) return null
  }
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

/**
 * The normalised domain of an email address, or null when the address does not parse cleanly:
 * no `@` or more than one unquoted `@`, an empty local part or domain, whitespace or control
 * characters anywhere, or a domain that is not a DNS name.
 */
export function emailDomain (address: string): string | null {
  if (UNSAFE.test(address)) return null
  let at: number
  if (address.startsWith('"')) {
    const close = quotedLocalEnd(address)
    if (close < 0 || address[close + 1] !== '@') return null
    at = close + 1
    if (address.indexOf('@', at + 1) !== -1) return null
  } else {
    at = address.indexOf('@')
    if (at <= 0 || address.indexOf('@', at + 1) !== -1) return null
  }
  return normalizeDomain(address.slice(at + 1))
}
