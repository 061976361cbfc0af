import type { AuthHooksConfig, Rule } from '../../config/types.js'
import { DecisionTrace, type TraceRecord } from './trace.js'
import type { Decision, HookName, HookRequest, Policy } from '../types.js'

const NESTING = new Set(['all', 'any', 'not'])
const MAX_VALUE = 60

/** `deny 403 invalid-email "…" by rule "x"` / `allow 200 roles ["a"] by the default`. */
export function describeDecision (decision: Decision): string {
  const what = decision.outcome === 'allow'
    ? `allow 200 roles ${JSON.stringify(decision.roles)}`
    : `deny ${decision.status} ${decision.code} ${JSON.stringify(decision.message)}`
  return `${what} ${decidedBy(decision)}`
}

export function decidedBy (decision: Decision): string {
  if (decision.by === 'rule') return `by rule "${decision.rule as string}"`
  return decision.by === 'field-too-long' ? 'by the field length limit' : "by the hook's default"
}

function actionOf (rule: Rule): string {
  if (rule.deny !== undefined) return `deny ${rule.deny.status ?? 403} ${rule.deny.code}`
  if (rule.roles !== undefined) return `add roles ${JSON.stringify(rule.roles)}`
  return 'allow'
}

function shown (value: unknown): string {
  const text = value === undefined ? 'absent' : JSON.stringify(value)
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

function conditionLine (record: TraceRecord, depth: number): string {
  const indent = '     ' + '  '.repeat(depth)
  if (record.result === undefined) return `${indent}· ${record.label} (not evaluated)`
  const value = record.reads ? `   [value: ${shown(record.value)}]` : ''
  return `${indent}${record.result ? '✓' : '✗'} ${record.label}${value}`
}

/** A rule whose conditions started but never finished was stopped by a value over the length limit. */
function ruleState (record: TraceRecord | undefined, conditions: TraceRecord[]): string {
  if (record?.result !== undefined) return record.result ? 'matched' : 'did not match'
  return conditions.some(condition => condition.value !== undefined) ? 'stopped: a value is over the field length limit' : 'not reached'
}

/**
 * Decides `request` with a policy compiled with `trace.tracer` and renders the decision and, for
 * each rule in order, whether it matched and which of its conditions held or failed.
 */
export function explainDecision (policy: Policy, config: AuthHooksConfig, trace: DecisionTrace, hookName: HookName, request: HookRequest): { decision: Decision | null, text: string } {
  const hook = policy.hooks.get(hookName)
  const rules = config.hooks[hookName]?.rules
  if (hook === undefined || rules === undefined) return { decision: null, text: `the ${hookName} hook is not configured\n` }
  trace.reset()
  const decision = hook.decide(request)
  const lines = [
    `policy ${policy.version} · ${hookName} (POST ${hook.path}) · provider ${JSON.stringify(request.provider)}`,
    `decision: ${describeDecision(decision)}`,
    ''
  ]
  rules.forEach((rule, index) => {
    const rulePath = ['hooks', hookName, 'rules', index]
    const [ruleRecord, ...conditions] = trace.under(rulePath)
    const decided = decision.rule === rule.name ? '  ← decided' : ''
    const state = ruleState(ruleRecord, conditions)
    lines.push(`  ${index + 1}. ${rule.name} (${actionOf(rule)}): ${state}${decided}`)
    if (state === 'not reached') return
    for (const record of conditions) {
      const depth = record.path.slice(rulePath.length).filter(key => NESTING.has(key as string)).length
      lines.push(conditionLine(record, depth))
    }
  })
  if (rules.length === 0) lines.push('  (no rules)')
  return { decision, text: `${lines.join('\n')}\n` }
}
