import { readFile } from 'node:fs/promises'
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml'
import { describeSchemaErrors, type Path } from './problems.js'
import { validateConfig, type SchemaError } from './schema.js'
import type { AuthHooksConfig } from './types.js'

/** One thing wrong with a config, at a place an editor can jump to. */
export interface Problem {
  file: string
  line: number
  col: number
  message: string
}

export function formatProblem (problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.message}`
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

/** A config file that parsed and validated, with the means to report problems at its places. */
export interface ConfigSource {
  file: string
  text: string
  config: AuthHooksConfig
  /** Problems found so far; the caller adds its own and refuses the config when any exist. */
  problems: Problem[]
  /** Records a problem about the config at `path`, placed at the node `at` (default: `path` itself). */
  problemAt: (path: Path, message: string, at?: Path) => void
}

export type ConfigRead =
  | { ok: true, source: ConfigSource }
  | { ok: false, problems: Problem[] }

/**
 * Reads and validates a config file: read → parse YAML → substitute ${ENV} → validate against
 * schema/auth.schema.json → `check`. Never throws for a bad config: every problem is returned with its
 * file, line and column.
 */
export async function readConfig (file: string, env: NodeJS.ProcessEnv, check?: (config: AuthHooksConfig) => Array<{ path: Path, message: string }>): Promise<ConfigRead> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return { ok: false, problems: [{ file, line: 1, col: 1, message: `cannot read config: ${(error as Error).message}` }] }
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
  if (problems.length > 0) return { ok: false, problems }

  substituteEnv(doc, env, at)
  let config: unknown
  try {
    config = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    at(0, (error as Error).message)
    return { ok: false, problems }
  }
  if (!validateConfig(config)) {
    for (const { path, key, message } of describeSchemaErrors(validateConfig.errors as SchemaError[], config)) {
      at(offsetOf(doc, path, key), `${describePath(config, path)}: ${message}`)
    }
    return { ok: false, problems: sortProblems(problems) }
  }
  const valid = config
  const problemAt = (path: Path, message: string, node: Path = path): void => at(offsetOf(doc, node), `${describePath(valid, path)}: ${message}`)
  for (const { path, message } of check?.(valid) ?? []) problemAt(path, message)
  return { ok: true, source: { file, text, config: valid, problems, problemAt } }
}

export function sortProblems (problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col)
}
