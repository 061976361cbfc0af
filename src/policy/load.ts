import { createHash } from 'node:crypto'
import { readConfig, sortProblems, type Problem } from '../config/load.js'
import type { Path } from '../config/problems.js'
import { schemaDefault } from '../config/schema.js'
import type { AuthHooksConfig } from '../config/types.js'
import { compilePolicy } from './compile.js'
import type { ConditionContext, Tracer } from './conditions.js'
import type { BuiltinList } from './builtin-lists.js'
import { PolicyLists } from './lists.js'
import { patternsIn, proveSafeRegexes } from './regex.js'
import type { Limits, Policy } from './types.js'

export type LoadResult =
  | { ok: true, policy: Policy, config: AuthHooksConfig, files: string[], builtins: BuiltinList[] }
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
  const lists = await PolicyLists.read(source, hash)
  const { files } = lists
  const context: ConditionContext = {
    fieldLength: limitsOf(config).fieldLength,
    problem: (path, message) => source.problemAt(path, message),
    domainList: (list, path) => lists.domainList(list, path),
    addressList: (list, path, normalization) => lists.addressList(list, path, normalization),
    valueList: (list, ignoreCase, fold) => lists.valueList(list, ignoreCase, fold),
    ...(options.trace === undefined ? {} : { trace: options.trace })
  }
  await proveSafeRegexes(patternsIn(config.hooks))
  const policy = compilePolicy(config, limitsOf(config), hash.digest('hex').slice(0, 12), context)
  if (problems.length > 0) return { ok: false, files, problems: sortProblems(problems) }
  return { ok: true, files, policy, config, builtins: lists.builtins }
}
