import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { LineCounter, parseDocument } from 'yaml'
import { offsetOf, type Problem } from '../../config/load.js'
import { validateCaseFile } from '../../config/schema.js'
import type { AuthHooksConfig, Hook } from '../../config/types.js'
import { describeDecision } from './explain.js'
import type { DecisionTrace } from './trace.js'
import type { CompiledHook, Decision, DialectName, HookName, HookRequest, Policy } from '../types.js'

/** Reads a case's request as its dialect maps it, or says why it is not that system's body. */
export type CaseRequestReader = (testCase: PolicyCase, hook: CompiledHook) => HookRequest | string

const nativeCase: CaseRequestReader = testCase => ({ provider: testCase.provider as string, data: testCase.data as Record<string, unknown> })

export interface PolicyCaseExpectation {
  status?: number
  code?: string
  roles?: string[]
  /** null: no rule decides (the hook's default). */
  rule?: string | null
}

export interface PolicyCase {
  note: string
  hook: HookName
  /** The native request; or `dialect` and `request`, a calling system's own body. */
  provider?: string
  data?: Record<string, unknown>
  dialect?: DialectName
  request?: Record<string, unknown>
  expect: PolicyCaseExpectation
  /** Line of the case in its file, for failure messages. */
  line: number
}

export type CasesLoad =
  | { ok: true, config: string, cases: PolicyCase[] }
  | { ok: false, problems: Problem[] }

interface CaseFile { config?: string, cases: Array<Omit<PolicyCase, 'line'>> }

function pathOf (instancePath: string): Array<string | number> {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map(key => /^\d+$/.test(key) ? Number(key) : key)
}

/** Reads and validates a test-case file; the config it names is resolved against the file's folder. */
export async function loadCases (file: string): Promise<CasesLoad> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return { ok: false, problems: [{ file, line: 1, col: 1, message: `cannot read test cases: ${(error as Error).message}` }] }
  }
  const lineCounter = new LineCounter()
  const at = (offset: number, message: string): Problem => ({ file, ...lineCounter.linePos(offset), message })
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true })
  if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map(error => at(error.pos[0], error.message.split('\n')[0] as string)) }
  const data: unknown = doc.toJS({ maxAliasCount: 100 })
  const validateCases = validateCaseFile<CaseFile>()
  if (!validateCases(data)) {
    const problems = (validateCases.errors as NonNullable<typeof validateCases.errors>).map(error => {
      const path = pathOf(error.instancePath)
      const key = error.params.additionalProperty as string | undefined
      const where = path.length === 0 ? 'test file' : path.join('.')
      const message = key === undefined ? `${where}: ${error.message as string}` : `${where}: unknown key "${key}"`
      return at(offsetOf(doc, path, key), message)
    })
    return { ok: false, problems }
  }
  const cases = data.cases.map((testCase, index) => ({ ...testCase, line: lineCounter.linePos(offsetOf(doc, ['cases', index])).line }))
  return { ok: true, config: resolve(dirname(file), data.config ?? 'auth.yaml'), cases }
}

function sameRoles (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role, i) => role === b[i])
}

/** Whether `decision` has every part the case expects. */
export function meetsExpectation (decision: Decision, expect: PolicyCaseExpectation): boolean {
  const status = decision.outcome === 'allow' ? 200 : decision.status
  if (expect.status !== undefined && status !== expect.status) return false
  if (expect.code !== undefined && !(decision.outcome === 'deny' && decision.code === expect.code)) return false
  if (expect.roles !== undefined && !(decision.outcome === 'allow' && sameRoles(decision.roles, expect.roles))) return false
  return expect.rule === undefined || decision.rule === expect.rule
}

export function describeExpectation (expect: PolicyCaseExpectation): string {
  const parts: string[] = []
  if (expect.status !== undefined) parts.push(`status ${expect.status}`)
  if (expect.code !== undefined) parts.push(`code ${expect.code}`)
  if (expect.roles !== undefined) parts.push(`roles ${JSON.stringify(expect.roles)}`)
  if (expect.rule !== undefined) parts.push(expect.rule === null ? "decided by the hook's default" : `decided by rule "${expect.rule}"`)
  return parts.join(', ')
}

export interface CaseReport {
  lines: string[]
  passed: number
  failed: number
  /** Rules some outcome of which no case exercises. */
  gaps: string[]
}

/** What each rule did across all cases: matched in some case, failed to match in some case. */
class RuleCoverage {
  readonly #seen = new Map<string, { matched: boolean, unmatched: boolean }>()

  record (trace: DecisionTrace, hook: HookName, rules: number): void {
    for (let index = 0; index < rules; index++) {
      const result = trace.under(['hooks', hook, 'rules', index])[0]?.result
      const key = `${hook}\0${index}`
      const seen = this.#seen.get(key) ?? { matched: false, unmatched: false }
      if (result === true) seen.matched = true
      if (result === false) seen.unmatched = true
      this.#seen.set(key, seen)
    }
  }

  gaps (config: AuthHooksConfig): string[] {
    const gaps: string[] = []
    for (const hook of ['preSignup', 'preLogin'] as const) {
      config.hooks[hook]?.rules.forEach((rule, index) => {
        const seen = this.#seen.get(`${hook}\0${index}`)
        if (seen?.matched !== true) gaps.push(`${hook} rule "${rule.name}": no case matches it`)
        if (rule.when !== undefined && seen?.unmatched !== true) gaps.push(`${hook} rule "${rule.name}": no case reaches it without matching it`)
      })
    }
    return gaps
  }
}

/** Runs every case against a policy compiled with `trace.tracer`; one line per case. */
export function runCases (file: string, cases: PolicyCase[], policy: Policy, config: AuthHooksConfig, trace: DecisionTrace, readRequest: CaseRequestReader = nativeCase): CaseReport {
  const report: CaseReport = { lines: [], passed: 0, failed: 0, gaps: [] }
  const coverage = new RuleCoverage()
  cases.forEach((testCase, index) => {
    const title = `${index + 1} ${testCase.hook}: ${testCase.note}`
    const hook = policy.hooks.get(testCase.hook)
    if (hook === undefined) {
      report.failed++
      report.lines.push(`FAIL ${title}`, `       ${file}:${testCase.line}: the ${testCase.hook} hook is not configured`)
      return
    }
    const request = testCase.request === undefined ? nativeCase(testCase, hook) : readRequest(testCase, hook)
    if (typeof request === 'string') {
      report.failed++
      report.lines.push(`FAIL ${title}`, `       ${file}:${testCase.line}: ${request}`)
      return
    }
    trace.reset()
    const decision = hook.decide(request)
    coverage.record(trace, testCase.hook, (config.hooks[testCase.hook] as Hook).rules.length)
    if (meetsExpectation(decision, testCase.expect)) {
      report.passed++
      report.lines.push(`ok   ${title}`)
      return
    }
    report.failed++
    report.lines.push(
      `FAIL ${title}`,
      `       ${file}:${testCase.line}`,
      `       expected: ${describeExpectation(testCase.expect)}`,
      `       got:      ${describeDecision(decision)}`
    )
  })
  report.gaps = coverage.gaps(config)
  return report
}
