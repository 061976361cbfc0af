import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { readConfig, sortProblems, type ConfigSource, type Problem } from '../config/load.js'
import type { Path } from '../config/problems.js'
import { schemaDefault } from '../config/schema.js'
import type { AuthHooksConfig } from '../config/types.js'
import { compilePolicy } from './compile.js'
import type { ConditionContext, Tracer } from './conditions.js'
import { domainsFromList, domainsFromText, type DomainSet } from './domains.js'
import { patternsIn, proveSafeRegexes } from './regex.js'
import type { Limits, Policy } from './types.js'

export type LoadResult =
  | { ok: true, policy: Policy, config: AuthHooksConfig, files: string[] }
  | { ok: false, problems: Problem[], files: string[] }

export interface LoadOptions {
  /** Compile with a tracing wrapper around every condition (only `explain` and `test` do). */
  trace?: Tracer
  /** Extra checks on the validated config (a reload refuses what cannot change live). */
  check?: (config: AuthHooksConfig) => Array<{ path: Path, message: string }>
}

function limitsOf (config: AuthHooksConfig): Limits {
  return {
    bodyBytes: config.limits?.bodyBytes ?? schemaDefault('limits', 'bodyBytes') as number,
    fieldLength: config.limits?.fieldLength ?? schemaDefault('limits', 'fieldLength') as number,
    jsonDepth: config.limits?.jsonDepth ?? schemaDefault('limits', 'jsonDepth') as number,
    stringLength: config.limits?.stringLength ?? schemaDefault('limits', 'stringLength') as number,
    eventLoopDelayMs: config.limits?.eventLoopDelayMs ?? schemaDefault('limits', 'eventLoopDelayMs') as number,
    retryAfterSeconds: config.limits?.retryAfterSeconds ?? schemaDefault('limits', 'retryAfterSeconds') as number
  }
}

/**
 * Reads a config file (config/load) and compiles it into a policy: list files, regex safety,
 * rules. Never throws for a bad config: every problem is returned with its file, line and column.
 */
export async function loadPolicy (file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Promise<LoadResult> {
  const read = await readConfig(file, env, options.check)
  if (!read.ok) return { ok: false, files: [file], problems: read.problems }
  const { source } = read
  const { config, problems } = source
  const hash = createHash('sha256').update(source.text)
  const { files, lists } = await readListFiles(source, hash)
  const baseDir = dirname(file)
  const context: ConditionContext = {
    fieldLength: limitsOf(config).fieldLength,
    problem: (path, message) => source.problemAt(path, message),
    domainList: (list, path) => {
      if (!Array.isArray(list)) return lists.get(resolve(baseDir, list.file)) ?? null
      const { set, errors } = domainsFromList(list)
      for (const error of errors) source.problemAt(path, error.message, [...path, error.line])
      return set
    },
    ...(options.trace === undefined ? {} : { trace: options.trace })
  }
  await proveSafeRegexes(patternsIn(config.hooks))
  const policy = compilePolicy(config, limitsOf(config), hash.digest('hex').slice(0, 12), context)
  if (problems.length > 0) return { ok: false, files, problems: sortProblems(problems) }
  return { ok: true, files, policy, config }
}

/** Loads every domain list file the config names (each once), adding each to the policy hash. */
async function readListFiles (source: ConfigSource, hash: ReturnType<typeof createHash>): Promise<{ files: string[], lists: Map<string, DomainSet | null> }> {
  const files = [source.file]
  const baseDir = dirname(source.file)
  const lists = new Map<string, DomainSet | null>()
  for (const { file: listName, path } of listFileReferences(source.config)) {
    const listFile = resolve(baseDir, listName)
    if (lists.has(listFile)) continue
    files.push(listFile)
    let listText: string
    try {
      listText = await readFile(listFile, 'utf8')
    } catch (error) {
      source.problemAt(path, `cannot read list file: ${(error as Error).message}`, [...path, 'file'])
      lists.set(listFile, null)
      continue
    }
    hash.update(listText)
    const { set, errors } = domainsFromText(listText)
    const shownAs = isAbsolute(source.file) ? listFile : relative(process.cwd(), listFile)
    for (const error of errors) source.problems.push({ file: shownAs, line: error.line, col: 1, message: error.message })
    lists.set(listFile, set)
  }
  return { files, lists }
}

/** Every `{file: …}` domain list in the config, in document order, with its path. */
function listFileReferences (value: unknown, path: Path = []): Array<{ file: string, path: Path }> {
  if (value === null || typeof value !== 'object') return []
  const found: Array<{ file: string, path: Path }> = []
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, Array.isArray(value) ? Number(key) : key]
    if ((key === 'in' || key === 'notIn') && path.at(-1) === 'emailDomain' && !Array.isArray(child)) {
      found.push({ file: (child as { file: string }).file, path: childPath })
    } else {
      found.push(...listFileReferences(child, childPath))
    }
  }
  return found
}
