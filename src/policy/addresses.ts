import { parseAddress, type ParsedAddress } from './email.js'

/** How addresses compare: as mailboxes, or by the canonical mailbox of known providers. */
export type AddressNormalization = 'mailbox' | 'provider'

export interface AddressEntryError {
  /** 1-based line in the list file, or the index in an inline list. */
  line: number
  message: string
}

// RFC 5322 dot-atom: a quoted local part made only of these needs no quotes ("ann" = ann).
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/

interface ProviderRule {
  /** The domain every domain of the family compares as. */
  domain: string
  /** Cut the local part at the first `+` (`first`) or at the last `-` (`last`). */
  tag: { separator: string, at: 'first' | 'last' }
  /** Dots in the local part carry no meaning. */
  dropDots: boolean
}

const GMAIL: ProviderRule = { domain: 'gmail.com', tag: { separator: '+', at: 'first' }, dropDots: true }
const PLUS = (domain: string): ProviderRule => ({ domain, tag: { separator: '+', at: 'first' }, dropDots: false })
const YAHOO = (domain: string): ProviderRule => ({ domain, tag: { separator: '-', at: 'last' }, dropDots: false })

// The providers whose subaddress and dot rules are documented (validator.js normalizeEmail's lists,
// ../shared/reference/auth-systems.md section 8). Each domain keeps its own mailboxes except
// googlemail.com, which is gmail.com.
const PROVIDERS = new Map<string, ProviderRule>([
  ['gmail.com', GMAIL],
  ['googlemail.com', GMAIL],
  ...['outlook.com', 'outlook.de', 'outlook.fr', 'outlook.it', 'outlook.es', 'outlook.co.uk', 'hotmail.com', 'hotmail.co.uk',
    'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es', 'live.com', 'live.co.uk', 'live.fr', 'live.de', 'live.it',
    'msn.com', 'passport.com', 'icloud.com', 'me.com', 'mac.com'].map(domain => [domain, PLUS(domain)] as const),
  ...['yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.it', 'yahoo.es', 'yahoo.ca', 'yahoo.com.au', 'yahoo.co.jp',
    'yahoo.co.in', 'ymail.com', 'rocketmail.com'].map(domain => [domain, YAHOO(domain)] as const)
])

function cutTag (local: string, tag: ProviderRule['tag']): string {
  const at = tag.at === 'first' ? local.indexOf(tag.separator) : local.lastIndexOf(tag.separator)
  // A local part that is all tag ("+x") keeps it: the mailbox would otherwise be empty.
  return at > 0 ? local.slice(0, at) : local
}

/**
 * The key an address compares by: `local@domain`, lower-cased, the domain normalised as for
 * emailDomain, quotes dropped where they change nothing. With `provider`, a known provider's
 * variants share one key (j.o.h.n+x@googlemail.com → john@gmail.com). Only ever compared, never
 * sent back to the auth system.
 */
export function mailboxKey (address: ParsedAddress, normalization: AddressNormalization): string {
  let local = address.local.toLowerCase()
  const rule = normalization === 'provider' ? PROVIDERS.get(address.domain) : undefined
  if (rule === undefined) {
    const quote = address.quoted && !DOT_ATOM.test(local)
    return quote ? `"${local.replace(/["\\]/g, '\\$&')}"@${address.domain}` : `${local}@${address.domain}`
  }
  local = cutTag(local, rule.tag)
  if (rule.dropDots) local = local.replaceAll('.', '')
  return `${local}@${rule.domain}`
}

/** The key of a written address, or null when it does not parse. */
export function addressKey (address: string, normalization: AddressNormalization): string | null {
  const parsed = parseAddress(address)
  return parsed === null ? null : mailboxKey(parsed, normalization)
}

/** A set of mailbox keys; look-ups are one hash probe. */
export class AddressSet {
  readonly #keys = new Set<string>()
  constructor (readonly normalization: AddressNormalization) {}

  get size (): number {
    return this.#keys.size
  }

  add (address: string): boolean {
    const key = addressKey(address, this.normalization)
    if (key === null) return false
    this.#keys.add(key)
    return true
  }

  has (address: ParsedAddress): boolean {
    return this.#keys.has(mailboxKey(address, this.normalization))
  }
}

function entryError (line: number, entry: string): AddressEntryError {
  return { line, message: `"${entry.slice(0, 80)}" is not an email address` }
}

/** Builds a set from an inline list; returns the entries that are not addresses. */
export function addressesFromList (entries: readonly string[], normalization: AddressNormalization): { set: AddressSet, errors: AddressEntryError[] } {
  const set = new AddressSet(normalization)
  const errors: AddressEntryError[] = []
  entries.forEach((entry, index) => { if (!set.add(entry.trim())) errors.push(entryError(index, entry)) })
  return { set, errors }
}

/**
 * Builds a set from a list file: one address per line, entries trimmed, blank lines skipped, and a
 * line whose first character is `#` a comment (`#` inside an address is a legal character, so it
 * starts no comment there). At most 20 bad entries are reported.
 */
export function addressesFromText (text: string, normalization: AddressNormalization): { set: AddressSet, errors: AddressEntryError[] } {
  const set = new AddressSet(normalization)
  const errors: AddressEntryError[] = []
  text.split('\n').forEach((raw, index) => {
    const entry = raw.trim()
    if (entry === '' || entry.startsWith('#')) return
    if (!set.add(entry) && errors.length < 20) errors.push(entryError(index + 1, entry))
  })
  return { set, errors }
}

/** Whether an address's local part (its content, quotes removed) contains one of the separators. */
export function hasSubaddress (address: ParsedAddress, separators: string): boolean {
  for (const separator of separators) if (address.local.includes(separator)) return true
  return false
}
