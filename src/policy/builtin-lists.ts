import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { DomainSet } from './domains.js'

export type BuiltinListName = 'disposable' | 'freemail'

interface BuiltinSource {
  /** The npm package that keeps the list current (`npm update <package>` refreshes it). */
  package: string
  /** The JSON array of domains inside the package. */
  data: string
}

const SOURCES: Record<BuiltinListName, BuiltinSource> = {
  // The hand-curated disposable-email-domains/disposable-email-domains list (CC0-1.0).
  disposable: { package: 'disposable-email-domains-js', data: 'dist/dict/disposable_email_blocklist.json' },
  // Free mailbox providers plus that same disposable list (MIT). Its postinstall script, which would
  // re-download the list, is denied in package.json's allowScripts: the version pins the contents.
  freemail: { package: 'free-email-domains', data: 'domains.json' }
}

/** A built-in list as loaded: where it came from and what it holds. */
export interface BuiltinList {
  name: BuiltinListName
  package: string
  version: string
  /** The data file read (watched for changes like a list file: `npm update` replaces it). */
  file: string
  set: DomainSet
  /** Entries the domain parser refused; they are skipped, never matched. */
  skipped: number
  /** The first few refused entries, for the report. */
  skippedExamples: string[]
}

const require = createRequire(import.meta.url)
// One load per package version per process: a reload re-reads only package.json while the version
// stays the same.
const cache = new Map<string, BuiltinList>()

/** Where a package's files are; the package's own resolution, so a hoisted or nested copy both work. */
export function packageDir (name: string, resolve: (id: string) => string = require.resolve): string {
  return dirname(resolve(`${name}/package.json`))
}

/** Builds a set from a list's entries; entries that are not domains are counted and skipped. */
export function builtinSet (entries: unknown): { set: DomainSet, skipped: string[] } {
  if (!Array.isArray(entries)) throw new Error('the data file is not a JSON array')
  const set = new DomainSet()
  const skipped: string[] = []
  for (const entry of entries) {
    if (typeof entry !== 'string' || !set.add(entry.trim())) skipped.push(String(entry))
  }
  return { set, skipped }
}

/**
 * Loads a built-in list from its package. Throws (with the reason) when the package is missing or
 * its data is not a list of strings; the caller turns that into a load problem, so a policy that
 * names a list it cannot read never serves.
 */
export async function loadBuiltinList (name: BuiltinListName, dir: string = packageDir(SOURCES[name].package)): Promise<BuiltinList> {
  const source = SOURCES[name]
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: unknown }
  const version = String(manifest.version)
  const file = join(dir, source.data)
  const key = `${name}\0${file}\0${version}`
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const { set, skipped } = builtinSet(JSON.parse(await readFile(file, 'utf8')))
  const list: BuiltinList = { name, package: source.package, version, file, set, skipped: skipped.length, skippedExamples: skipped.slice(0, 5) }
  cache.set(key, list)
  return list
}

/** `disposable: disposable-email-domains-js 1.26.0, 8883 domains` (and what was skipped). */
export function describeBuiltinList (list: BuiltinList): string {
  const skipped = list.skipped === 0 ? '' : `; ${list.skipped} entries skipped, not domain names (${list.skippedExamples.map(entry => JSON.stringify(entry.slice(0, 80))).join(', ')})`
  return `builtin ${list.name}: ${list.package} ${list.version}, ${list.set.size} domains${skipped}`
}
