import type { AuthHooksConfig, Caller, DefaultOutcome, Deny, Hook, Rule } from '../config/types.js'
import { compileCondition, FieldTooLong, type ConditionContext, type Test } from './conditions.js'
import type { Path } from '../config/problems.js'
import { guardOf, RuleIndex } from './rule-index.js'
import { dialectsOf, dialectsWithOptions, hookRow, type HookRow } from './hook-table.js'
import {
  PolicyCode, type AllowDecision, type CompiledHook, type Decision, type DenyDecision, type DialectName, type HookName,
  type HookRequest, type Limits, type Policy
} from './types.js'

/** The native dialect's paths (the seed's), kept for callers that only know those. */
export const DEFAULT_PATHS: Record<HookName, string> = { preSignup: '/signup-hook', preLogin: '/login-hook' }

type CompiledRule =
  | { name: string, test: Test, action: 'deny', decision: DenyDecision }
  | { name: string, test: Test, action: 'allow' }
  | { name: string, test: Test, action: 'roles', roles: readonly string[] }

function denyDecision (deny: Deny, rule: string | null): DenyDecision {
  const by = rule === null ? 'default' : 'rule'
  const decision: DenyDecision = { outcome: 'deny', by, rule, status: deny.status ?? 403, code: deny.code, message: deny.message }
  if (deny.detail !== undefined) decision.detail = deny.detail
  return Object.freeze(decision)
}

const defaultDeny: Deny = { code: PolicyCode.denied, message: 'Request denied by policy' }

function defaultDecision (outcome: DefaultOutcome | undefined): DenyDecision | null {
  if (outcome === undefined || outcome === 'allow') return null
  return denyDecision(outcome === 'deny' ? defaultDeny : outcome.deny, null)
}

function compileRule (rule: Rule, row: HookRow, path: Path, context: ConditionContext): CompiledRule {
  const when = compileCondition(rule.when, [...path, 'when'], context, rule.deny !== undefined)
  const test = context.trace === undefined ? when : context.trace(path, `rule "${rule.name}"`, when)
  if (rule.deny !== undefined) return { name: rule.name, test, action: 'deny', decision: denyDecision(rule.deny, rule.name) }
  if (rule.roles !== undefined) {
    if (!row.roles) {
      const message = row.dialect === 'native'
        ? `roles can only be assigned on preSignup (${row.noRoles as string})`
        : `roles cannot be assigned on ${row.hook} with the ${row.dialect} dialect (${row.noRoles as string})`
      context.problem([...path, 'roles'], message)
    }
    return { name: rule.name, test, action: 'roles', roles: rule.roles }
  }
  return { name: rule.name, test, action: 'allow' }
}

function fieldTooLong (error: FieldTooLong): DenyDecision {
  return {
    outcome: 'deny',
    by: 'field-too-long',
    rule: null,
    status: 400,
    code: PolicyCode.fieldTooLong,
    message: `A field is longer than ${error.limit} characters`,
    detail: { field: error.field }
  }
}

function allow (roles: string[], rule: string | null): AllowDecision {
  return { outcome: 'allow', by: rule === null ? 'default' : 'rule', rule, roles }
}

function addRoles (roles: string[], add: readonly string[]): void {
  for (const role of add) if (!roles.includes(role)) roles.push(role)
}

function decider (rules: CompiledRule[], fallback: DenyDecision | null, index: RuleIndex): (request: HookRequest) => Decision {
  return function decide (request) {
    const roles: string[] = []
    index.markCandidates(request)
    try {
      for (let i = 0; i < rules.length; i++) {
        if (!index.isCandidate(i)) continue
        const rule = rules[i] as CompiledRule
        if (!rule.test(request)) continue
        if (rule.action === 'deny') return rule.decision
        if (rule.action === 'allow') return allow(roles, rule.name)
        addRoles(roles, rule.roles)
      }
    } catch (error) {
      if (error instanceof FieldTooLong) return fieldTooLong(error)
      throw error
    }
    return fallback ?? allow(roles, null)
  }
}

/** The dialect options a hook entry may carry, by the key they sit under. */
const OPTION_KEYS = ['supabase', 'kratos', 'okta'] as const

function rowOf (name: HookName, hook: Hook, context: ConditionContext): HookRow {
  const dialect: DialectName = hook.dialect ?? 'native'
  const row = hookRow(name, dialect)
  if (row !== undefined) return row
  context.problem(['hooks', name, 'dialect'], `${name} cannot use the ${dialect} dialect; it can use ${dialectsOf(name).join(', ')}`)
  return { hook: name, dialect, path: DEFAULT_PATHS[name], roles: true }
}

function compileHook (name: HookName, hook: Hook, caller: Caller, context: ConditionContext): CompiledHook {
  const row = rowOf(name, hook, context)
  const seen = new Set<string>()
  const rules = hook.rules.map((rule, index) => {
    const path: Path = ['hooks', name, 'rules', index]
    if (seen.has(rule.name)) context.problem([...path, 'name'], `duplicate rule name "${rule.name}"`)
    seen.add(rule.name)
    return compileRule(rule, row, path, context)
  })
  const fallback = defaultDecision(hook.default)
  const denials = rules.flatMap(rule => rule.action === 'deny' ? [rule.decision] : [])
  if (fallback !== null) denials.push(fallback)
  const options: Record<string, unknown> = {}
  for (const key of OPTION_KEYS) {
    if (hook[key] === undefined) continue
    if (key === row.options) options[key] = hook[key]
    else context.problem(['hooks', name, key], `"${key}" options are for the ${dialectsWithOptions(key).join(' and ')} dialect; this hook's is ${row.dialect}`)
  }
  // A traced compile (explain, test) guards no rule, so every rule runs and the trace shows each one's result.
  const index = new RuleIndex(hook.rules.map(rule => context.trace === undefined ? guardOf(rule.when) : null))
  return {
    name,
    dialect: row.dialect,
    path: hook.path ?? row.path,
    roles: row.roles,
    caller: hook.caller ?? caller,
    options: Object.freeze(options),
    denials: Object.freeze(denials),
    decide: decider(rules, fallback, index)
  }
}

/** Compiles a validated config into a policy. Every problem is reported through the context. */
export function compilePolicy (config: AuthHooksConfig, limits: Limits, version: string, context: ConditionContext): Policy {
  const hooks = new Map<HookName, CompiledHook>()
  const paths = new Map<string, HookName>()
  for (const name of ['preSignup', 'preLogin'] as const) {
    const hook = config.hooks[name]
    if (hook === undefined) continue
    const compiled = compileHook(name, hook, config.caller, context)
    const clash = paths.get(compiled.path)
    if (clash !== undefined) context.problem(['hooks', name, 'path'], `path ${compiled.path} is already used by ${clash}`)
    paths.set(compiled.path, name)
    hooks.set(name, compiled)
  }
  return { version, limits, hooks, caller: config.caller }
}
