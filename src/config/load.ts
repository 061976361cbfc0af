import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml'
import { compilePolicy } from '../policy/compile.js'
import type { ConditionContext, Path, Tracer } from '../policy/conditions.js'
import { domainsFromList, domainsFromText, type DomainSet } from '../policy/domains.js'
import { patternsIn, proveSafeRegexes } from '../policy/regex.js'
import type { Limits, Policy } from '../policy/types.js'
import { describeSchemaErrors } from './errors.js'
import { schemaDefault, validateConfig, type SchemaError } from './schema.js'
import type { AuthHooksConfig } from './types.js'

/** One thing wrong with a config, at a place an editor can jump to. */
export interface Problem {
  file: string
  line: number
  col: number
  message: string
}

export type LoadResult =
  | { ok: true, policy: Policy, config: AuthHooksConfig, files: string[] }
  | { ok: false, problems: Problem[], files: string[] }

export interface LoadOptions {
  /** Compile with a tracing wrapper around every condition (only `explain` does). */
  trace?: Tracer
  /** Extra checks on the validated config (a reload refuses what cannot change live). */
  check?: (config: AuthHooksConfig) => Array<{ path: Path, message: string }>
}

export function formatProblem (problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.message}`
}

export class ConfigError extends Error {
  constructor (readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'ConfigError'
  }
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/** Replaces `${NAME}` in string scalars from the environment, in place; a missing variable is a problem. */
function substituteEnv (doc: Document, env: NodeJS.ProcessEnv, report: (offset: number, message: string) => void): void {
  visit(doc, {
    Scalar (_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return
      node.value = node.value.replace(ENV_REFERENCE, (_match, name: string) => {
        const value = env[name]
        if (value === undefined) {
          report((node.range as [number, number, number])[0], `environment variable ${name} is not set`) // parsed scalars always have a range
          return ''
        }
        return value
      })
    }
  })
}

/** Offset of the node at `path`, or of the key `key` inside it; the nearest existing parent otherwise. */
export function offsetOf (doc: Document, path: Path, key?: string): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number], items?: Array<{ key: unknown }> } | undefined
    // an empty document's root is null, not undefined
    if (node === undefined || node === null || node.range === undefined) continue
    if (key !== undefined && depth === path.length && Array.isArray(node.items)) {
      const pair = node.items.find(item => isScalar(item.key) && item.key.value === key)
      const keyRange = (pair?.key as { range?: [number] } | undefined)?.range
      if (keyRange !== undefined) return keyRange[0]
    }
    return node.range[0]
  }
  return 0
}

/** `rule "name" when.all.0: ` for paths inside a rule, `limits.bodyBytes: ` elsewhere. */
export function describePath (config: unknown, path: Path): string {
  if (path[0] === 'hooks' && path[2] === 'rules' && typeof path[3] === 'number') {
    const rule = (config as AuthHooksConfig).hooks[path[1] as 'preSignup']?.rules[path[3]]
    const name = typeof rule?.name === 'string' ? `rule "${rule.name}"` : `rule #${path[3] + 1}`
    const inner = path.slice(4).join('.')
    return inner === '' ? `${path[1]} ${name}` : `${path[1]} ${name} ${inner}`
  }
  return path.length === 0 ? 'config' : path.join('.')
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
 * Reads, validates and compiles a config file: read → parse YAML → substitute ${ENV} →
 * validate against schema/auth.schema.json → compile rules and list files. Never throws for a bad
 * config: every problem is returned with its file, line and column.
 */
export async function loadPolicy (file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Promise<LoadResult> {
  const files = [file]
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return { ok: false, files, problems: [{ file, line: 1, col: 1, message: `cannot read config: ${(error as Error).message}` }] }
  }
  const lineCounter = new LineCounter()
  const problems: Problem[] = []
  const at = (offset: number, message: string): void => {
    const { line, col } = lineCounter.linePos(offset)
    problems.push({ file, line, col, message })
  }

  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true })
  // yaml repeats the position in its message ("... at line 4, column 7:"); the problem already has it
  for (const error of doc.errors) at(error.pos[0], (error.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, ''))
  if (problems.length > 0) return { ok: false, files, problems }

  substituteEnv(doc, env, at)
  let config: unknown
  try {
    config = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    at(0, (error as Error).message)
    return { ok: false, files, problems }
  }
  if (!validateConfig(config)) {
    for (const { path, key, message } of describeSchemaErrors(validateConfig.errors as SchemaError[], config)) {
      at(offsetOf(doc, path, key), `${describePath(config, path)}: ${message}`)
    }
    return { ok: false, files, problems: sortProblems(problems) }
  }
  for (const { path, message } of options.check?.(config) ?? []) at(offsetOf(doc, path), `${describePath(config, path)}: ${message}`)

  const hash = createHash('sha256').update(text)
  const baseDir = dirname(file)
  const listSets = new Map<string, DomainSet | null>()
  for (const { file: listName, path } of listFileReferences(config)) {
    const listFile = resolve(baseDir, listName)
    if (listSets.has(listFile)) continue
    files.push(listFile)
    let listText: string
    try {
      listText = await readFile(listFile, 'utf8')
    } catch (error) {
      at(offsetOf(doc, [...path, 'file']), `${describePath(config, path)}: cannot read list file: ${(error as Error).message}`)
      listSets.set(listFile, null)
      continue
    }
    hash.update(listText)
    const { set, errors } = domainsFromText(listText)
    for (const error of errors) problems.push({ file: isAbsolute(file) ? listFile : relative(process.cwd(), listFile), line: error.line, col: 1, message: error.message })
    listSets.set(listFile, set)
  }

  const context: ConditionContext = {
    fieldLength: limitsOf(config).fieldLength,
    problem: (path, message) => at(offsetOf(doc, path), `${describePath(config, path)}: ${message}`),
    domainList: (list, path) => {
      if (!Array.isArray(list)) return listSets.get(resolve(baseDir, list.file)) ?? null
      const { set, errors } = domainsFromList(list)
      for (const error of errors) at(offsetOf(doc, [...path, error.line]), `${describePath(config, path)}: ${error.message}`)
      return set
    },
    ...(options.trace === undefined ? {} : { trace: options.trace })
  }
  await proveSafeRegexes(patternsIn(config.hooks))
  const policy = compilePolicy(config, limitsOf(config), hash.digest('hex').slice(0, 12), context)
  if (problems.length > 0) return { ok: false, files, problems: sortProblems(problems) }
  return { ok: true, files, policy, config }
}

function sortProblems (problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col)
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
