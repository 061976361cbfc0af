import { createHash, timingSafeEqual } from 'node:crypto'

/** Longest credential looked at; a longer one is refused unread. */
const MAX_CREDENTIAL_LENGTH = 4096

/** A secret's SHA-256: equal-length digests let timingSafeEqual compare secrets of any length. */
export function secretDigest (secret: string): Buffer {
  return createHash('sha256').update(secret).digest()
}

/**
 * True when `given` is one of the secrets whose digests are `accepted`. Every digest is compared,
 * so the time taken says nothing about which secret (or how much of one) matched.
 */
export function matchesSecret (given: string | string[] | null | undefined, accepted: readonly Buffer[]): boolean {
  if (typeof given !== 'string' || given.length > MAX_CREDENTIAL_LENGTH) return false
  const presented = secretDigest(given)
  let match = false
  for (const digest of accepted) match = timingSafeEqual(digest, presented) || match
  return match
}

/** The token of `Authorization: Bearer <token>` (scheme in any case), or null. */
export function bearerToken (header: string | undefined): string | null {
  if (header === undefined || header.length > MAX_CREDENTIAL_LENGTH) return null
  const space = header.indexOf(' ')
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') return null
  const token = header.slice(space + 1).trim()
  return token === '' ? null : token
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * The decoded `user:password` of `Authorization: Basic <base64>` (scheme in any case), or null.
 * Compare it whole with matchesSecret against digests of the accepted `user:password` pairs, so
 * neither part is compared on its own or in variable time.
 */
export function basicCredentials (header: string | undefined): string | null {
  if (header === undefined || header.length > MAX_CREDENTIAL_LENGTH) return null
  const space = header.indexOf(' ')
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'basic') return null
  const encoded = header.slice(space + 1).trim()
  if (!BASE64.test(encoded)) return null
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  return decoded.includes(':') ? decoded : null
}
