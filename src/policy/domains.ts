import { normalizeDomain } from './email.js'

export interface DomainEntryError {
  /** 1-based line in the list file, or the index in an inline list. */
  line: number
  message: string
}

// Lower-case ASCII labels of 1-63 characters with no hyphen at either end and an alphabetic last
// label: a name already in the form normalizeDomain returns, so it can be used as is. List files
// are millions of such lines; CANONICAL_LINE tests one where it sits in the file's text (sticky,
// ending at the line's end) without cutting it out.
const CANONICAL = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/
const CANONICAL_LINE = /(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?=\n|$)/y
const MAX_DOMAIN_LENGTH = 253
const NEWLINE = 10

function fnv1a (text: string, start: number, end: number): number {
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

/**
 * The canonical lines of a list file, indexed where they sit in its text: an open-addressing table
 * of line offsets. A million-line list then costs its text plus 4 bytes a slot, where a Set of a
 * million strings cost ~50 MB of heap and, profiled, most of the start-up time.
 */
class LineIndex {
  readonly #text: string
  readonly #slots: Int32Array // offset of a line + 1; 0 is an empty slot
  readonly #mask: number
  size = 0

  constructor (text: string, lines: number) {
    let capacity = 16
    while (capacity < lines * 2) capacity *= 2
    this.#text = text
    this.#slots = new Int32Array(capacity)
    this.#mask = capacity - 1
  }

  /** Adds the line text[start, end) unless it is there already. */
  add (start: number, end: number): void {
    const slot = this.#find(this.#text, start, end)
    if (this.#slots[slot] !== 0) return
    this.#slots[slot] = start + 1
    this.size++
  }

  has (domain: string): boolean {
    return this.#slots[this.#find(domain, 0, domain.length)] !== 0
  }

  /** The slot holding the name source[start, end), or the empty slot where it would go. */
  #find (source: string, start: number, end: number): number {
    const text = this.#text
    const length = end - start
    let slot = fnv1a(source, start, end) & this.#mask
    for (let at = this.#at(slot); at !== -1; at = this.#at(slot)) {
      const after = at + length
      if ((after === text.length || text.charCodeAt(after) === NEWLINE) && sameChars(text, at, source, start, length)) return slot
      slot = (slot + 1) & this.#mask
    }
    return slot
  }

  #at (slot: number): number {
    return (this.#slots[slot] as number) - 1
  }
}

function sameChars (a: string, aStart: number, b: string, bStart: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a.charCodeAt(aStart + i) !== b.charCodeAt(bStart + i)) return false
  return true
}

function countLines (text: string): number {
  let lines = 1
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++
  return lines
}

/** A set of normalised domains with O(1) exact look-up and O(labels) look-up of parent domains. */
export class DomainSet {
  readonly #domains = new Set<string>()
  #lines: LineIndex | null = null

  get size (): number {
    return this.#domains.size + (this.#lines?.size ?? 0)
  }

  add (domain: string): boolean {
    const normalized = domain.length <= MAX_DOMAIN_LENGTH && CANONICAL.test(domain) ? domain : normalizeDomain(domain)
    if (normalized === null) return false
    if (this.#lines?.has(normalized) !== true) this.#domains.add(normalized)
    return true
  }

  /** `domain` must already be normalised (as `emailDomain` returns it). */
  has (domain: string, subdomains: boolean): boolean {
    if (this.#contains(domain)) return true
    if (!subdomains) return false
    for (let dot = domain.indexOf('.'); dot !== -1; dot = domain.indexOf('.', dot + 1)) {
      if (this.#contains(domain.slice(dot + 1))) return true
    }
    return false
  }

  #contains (domain: string): boolean {
    return this.#domains.has(domain) || (this.#lines !== null && this.#lines.has(domain))
  }

  /** A set of a list file's names (see domainsFromText): canonical lines are indexed in place. */
  static fromText (text: string): { set: DomainSet, errors: DomainEntryError[] } {
    const set = new DomainSet()
    const lines = new LineIndex(text, countLines(text))
    const errors: DomainEntryError[] = []
    let line = 0
    let start = 0
    while (start <= text.length) {
      let end = text.indexOf('\n', start)
      if (end === -1) end = text.length
      line++
      CANONICAL_LINE.lastIndex = start
      if (end - start <= MAX_DOMAIN_LENGTH && CANONICAL_LINE.test(text) && CANONICAL_LINE.lastIndex === end) {
        lines.add(start, end)
      } else {
        const raw = text.slice(start, end)
        const hash = raw.indexOf('#')
        const entry = (hash === -1 ? raw : raw.slice(0, hash)).trim()
        if (entry !== '' && !set.add(entry) && errors.length < 20) {
          errors.push({ line, message: `"${entry.slice(0, 80)}" is not a domain name` })
        }
      }
      start = end + 1
    }
    // A name that needed normalising may also be a canonical line: count it once.
    for (const domain of set.#domains) if (lines.has(domain)) set.#domains.delete(domain)
    set.#lines = lines
    return { set, errors }
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
  return DomainSet.fromText(text)
}
