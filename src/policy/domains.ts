import { normalizeDomain } from './email.js'

export interface DomainEntryError {
  /** 1-based line in the list file, or the index in an inline list. */
  line: number
  message: string
}

// Lower-case ASCII labels of 1-63 characters with no hyphen at either end and an alphabetic last
// label: a name already in the form normalizeDomain returns. List files are millions of such lines,
// and this one linear test is several times cheaper than the general path (profiled: the general
// path was most of the start-up time with a 1,000,000-domain list).
const CANONICAL = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

/** A set of normalised domains with O(1) exact look-up and O(labels) look-up of parent domains. */
export class DomainSet {
  readonly #domains = new Set<string>()

  get size (): number {
    return this.#domains.size
  }

  add (domain: string): boolean {
    const normalized = domain.length <= 253 && CANONICAL.test(domain) ? domain : normalizeDomain(domain)
    if (normalized === null) return false
    this.#domains.add(normalized)
    return true
  }

  /** `domain` must already be normalised (as `emailDomain` returns it). */
  has (domain: string, subdomains: boolean): boolean {
    if (this.#domains.has(domain)) return true
    if (!subdomains) return false
    for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
      if (this.#domains.has(domain.slice(dot + 1))) return true
    }
    return false
  }
}

/** Builds a set from an inline list; returns the entries that are not domains. */
export function domainsFromList (entries: readonly string[]): { set: DomainSet, errors: DomainEntryError[] } {
  const set = new DomainSet()
  const errors: DomainEntryError[] = []
  entries.forEach((entry, index) => {
    if (!set.add(entry.trim())) errors.push({ line: index, message: `"${entry}" is not a domain name` })
  })
  return { set, errors }
}

/** Builds a set from a list file's text: one domain per line, `#` starts a comment, blank lines skipped. */
export function domainsFromText (text: string): { set: DomainSet, errors: DomainEntryError[] } {
  const set = new DomainSet()
  const errors: DomainEntryError[] = []
  let line = 0
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    line++
    const raw = text.slice(start, end)
    const hash = raw.indexOf('#')
    const entry = (hash === -1 ? raw : raw.slice(0, hash)).trim()
    if (entry !== '' && !set.add(entry) && errors.length < 20) {
      errors.push({ line, message: `"${entry.slice(0, 80)}" is not a domain name` })
    }
    start = end + 1
  }
  return { set, errors }
}
