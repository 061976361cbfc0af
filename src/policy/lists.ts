import type { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isAbsolute, relative, resolve, dirname } from 'node:path'
import type { ConfigSource } from '../config/load.js'
import type { Path } from '../config/problems.js'
import type { AddressList, DomainList, ValueList } from '../config/types.js'
import { addressesFromList, addressesFromText, type AddressNormalization, type AddressSet } from './addresses.js'
import { loadBuiltinList, type BuiltinList, type BuiltinListName } from './builtin-lists.js'
import { domainsFromList, domainsFromText, type DomainSet } from './domains.js'

/** What the entries of a list are: domains (emailDomain), addresses (emailAddress) or field values. */
type ListKind = 'domains' | 'addresses' | 'values'

interface ListReference {
  kind: ListKind
  path: Path
  list: { file: string } | { builtin: BuiltinListName }
}

/** Every list that is not inline, in document order, with its path and the kind of its entries. */
function listReferences (value: unknown, path: Path = []): ListReference[] {
  if (value === null || typeof value !== 'object') return []
  const found: ListReference[] = []
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, Array.isArray(value) ? Number(key) : key]
    if ((key === 'in' || key === 'notIn') && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      const parent = path.at(-1)
      const kind = parent === 'emailDomain' ? 'domains' : parent === 'emailAddress' ? 'addresses' : 'values'
      found.push({ kind, path: childPath, list: child as ListReference['list'] })
    } else {
      found.push(...listReferences(child, childPath))
    }
  }
  return found
}

/** A value-list file: one string per line, trimmed; blank lines and lines starting with `#` skipped. */
export function valuesFromText (text: string, ignoreCase: boolean): Set<unknown> {
  const values = new Set<unknown>()
  for (const raw of text.split('\n')) {
    const entry = raw.trim()
    if (entry !== '' && !entry.startsWith('#')) values.add(ignoreCase ? entry.toLowerCase() : entry)
  }
  return values
}

/**
 * The lists a policy reads besides inline ones: list files (each read once, whatever it is used
 * as) and built-in lists. Everything is read before compiling, so the resolvers the conditions
 * call are synchronous and each list is parsed once per way it is used, never per request.
 */
export class PolicyLists {
  /** The config file, then every list file and built-in data file read (watched for live reload). */
  readonly files: string[]
  readonly builtins: BuiltinList[] = []
  readonly #source: ConfigSource
  readonly #texts = new Map<string, string | null>()
  readonly #builtins = new Map<BuiltinListName, BuiltinList | null>()
  readonly #parsed = new Map<string, unknown>()
  /** Files whose bad entries were reported as one kind, so two ways of reading one list report once. */
  readonly #reported = new Set<string>()

  private constructor (source: ConfigSource) {
    this.#source = source
    this.files = [source.file]
  }

  /** Reads every list the config names; each text (and each built-in's package version) goes into the hash. */
  static async read (source: ConfigSource, hash: ReturnType<typeof createHash>): Promise<PolicyLists> {
    const lists = new PolicyLists(source)
    const baseDir = dirname(source.file)
    for (const { path, list } of listReferences(source.config)) {
      if ('builtin' in list) {
        if (lists.#builtins.has(list.builtin)) continue
        try {
          const loaded = await loadBuiltinList(list.builtin)
          hash.update(`\0builtin ${loaded.name} ${loaded.package}@${loaded.version}\0`)
          lists.#builtins.set(list.builtin, loaded)
          lists.builtins.push(loaded)
          lists.files.push(loaded.file)
        } catch (error) {
          source.problemAt(path, `cannot load builtin list "${list.builtin}": ${(error as Error).message}`, [...path, 'builtin'])
          lists.#builtins.set(list.builtin, null)
        }
        continue
      }
      const file = resolve(baseDir, list.file)
      if (lists.#texts.has(file)) continue
      lists.files.push(file)
      try {
        const text = await readFile(file, 'utf8')
        hash.update(text)
        lists.#texts.set(file, text)
      } catch (error) {
        source.problemAt(path, `cannot read list file: ${(error as Error).message}`, [...path, 'file'])
        lists.#texts.set(file, null)
      }
    }
    return lists
  }

  domainList (list: DomainList, path: Path): DomainSet | null {
    if (Array.isArray(list)) {
      const { set, errors } = domainsFromList(list)
      for (const error of errors) this.#source.problemAt(path, error.message, [...path, error.line])
      return set
    }
    if ('builtin' in list) return this.#builtins.get(list.builtin)?.set ?? null
    return this.#fromFile(list.file, 'domains', '', text => domainsFromText(text))
  }

  addressList (list: AddressList, path: Path, normalization: AddressNormalization): AddressSet | null {
    if (Array.isArray(list)) {
      const { set, errors } = addressesFromList(list, normalization)
      for (const error of errors) this.#source.problemAt(path, error.message, [...path, error.line])
      return set
    }
    return this.#fromFile(list.file, 'addresses', normalization, text => addressesFromText(text, normalization))
  }

  valueList (list: ValueList, ignoreCase: boolean, fold: (value: unknown) => unknown): ReadonlySet<unknown> | null {
    if (Array.isArray(list)) return new Set(list.map(fold))
    return this.#fromFile(list.file, 'values', String(ignoreCase), text => ({ set: valuesFromText(text, ignoreCase), errors: [] }))
  }

  /** A list file parsed one way, once; its bad entries are problems at `LIST_FILE:LINE:1`. */
  #fromFile<T> (name: string, kind: ListKind, way: string, parse: (text: string) => { set: T, errors: Array<{ line: number, message: string }> }): T | null {
    const file = resolve(dirname(this.#source.file), name)
    const key = `${kind}\0${way}\0${file}`
    if (this.#parsed.has(key)) return this.#parsed.get(key) as T | null
    const text = this.#texts.get(file) as string | null
    let set: T | null = null
    if (text !== null) {
      const parsed = parse(text)
      const shownAs = isAbsolute(this.#source.file) ? file : relative(process.cwd(), file)
      if (!this.#reported.has(`${kind}\0${file}`)) {
        for (const error of parsed.errors) this.#source.problems.push({ file: shownAs, line: error.line, col: 1, message: error.message })
        this.#reported.add(`${kind}\0${file}`)
      }
      set = parsed.set
    }
    this.#parsed.set(key, set)
    return set
  }
}
