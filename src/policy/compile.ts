import type { AuthHooksConfig, DefaultOutcome, Deny, Hook, Rule } from '../config/types.js'
import { compileCondition, FieldTooLong, type ConditionContext, type Test } from './conditions.js'
import type { Path } from '../config/problems.js'
import { guardOf, RuleIndex } from './rule-index.js'
import { PolicyCode, type CompiledHook, type Decision, type HookName, type HookRequest, type Limits, type Policy } from './types.js'

export const DEFAULT_PATHS: Record<HookName, string> = { preSignup: '/signup-hook', preLogin: '/login-hook' }

type CompiledRule =
  | { name: string, test: Test, action: 'deny', decision: Decision }
  | { name: string, test: Test, action: 'allow' }
  | { name: string, test: Test, action: 'roles', roles: readonly string[] }

function denyDecision (deny: Deny, rule: string | null): Decision {
  const body = deny.detail === undefined
    ? { code: deny.code, message: deny.message }
    : { code: deny.code, message: deny.message, detail: deny.detail }
  return Object.freeze({ outcome: 'deny', status: deny.status ?? 403, body: Object.freeze(body), rule })
}

const defaultDeny: Deny = { code: PolicyCode.denied, message: 'Request denied by policy' }

function defaultDecision (outcome: DefaultOutcome | undefined): Decision | null {
  if (outcome === undefined || outcome === 'allow') return null
  return denyDecision(outcome === 'deny' ? defaultDeny : outcome.deny, null)
}

function compileRule (rule: Rule, hook: HookName, path: Path, context: ConditionContext): CompiledRule {
  const when = compileCondition(rule.when, [...path, 'when'], context, rule.deny !== undefined)
  const test = context.trace === undefined ? when : context.trace(path, `rule "${rule.name}"`, when)
  if (rule.deny !== undefined) return { name: rule.name, test, action: 'deny', decision: denyDecision(rule.deny, rule.name) }
  if (rule.roles !== undefined) {
    if (hook === 'preLogin') context.problem([...path, 'roles'], 'roles can only be assigned on preSignup (the auth system ignores them on login)')
    return { name: rule.name, test, action: 'roles', roles: rule.roles }
  }
  return { name: rule.name, test, action: 'allow' }
}

function fieldTooLong (error: FieldTooLong): Decision {
  return {
    outcome: 'deny',
    status: 400,
    body: { code: PolicyCode.fieldTooLong, message: `A field is longer than ${error.limit} characters`, detail: { field: error.field } },
    rule: null
  }
}

function allow (roles: string[], rule: string | null): Decision {
  return { outcome: 'allow', status: 200, body: { roles }, rule }
}

function addRoles (roles: string[], add: readonly string[]): void {
  for (const role of add) if (!roles.includes(role)) roles.push(role)
}

function decider (rules: CompiledRule[], fallback: Decision | null, index: RuleIndex): (request: HookRequest) => Decision {
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

function compileHook (name: HookName, hook: Hook, context: ConditionContext): CompiledHook {
  const seen = new Set<string>()
  const rules = hook.rules.map((rule, index) => {
    const path: Path = ['hooks', name, 'rules', index]
    if (seen.has(rule.name)) context.problem([...path, 'name'], `duplicate rule name "${rule.name}"`)
    seen.add(rule.name)
    return compileRule(rule, name, path, context)
  })
  // A traced compile (explain, test) guards no rule, so every rule runs and the trace shows each one's result.
  const index = new RuleIndex(hook.rules.map(rule => context.trace === undefined ? guardOf(rule.when) : null))
  return { name, path: hook.path ?? DEFAULT_PATHS[name], decide: decider(rules, defaultDecision(hook.default), index) }
}

/** Compiles a validated config into a policy. Every problem is reported through the context. */
export function compilePolicy (config: AuthHooksConfig, limits: Limits, version: string, context: ConditionContext): Policy {
  const hooks = new Map<HookName, CompiledHook>()
  const paths = new Map<string, HookName>()
  for (const name of ['preSignup', 'preLogin'] as const) {
    const hook = config.hooks[name]
    if (hook === undefined) continue
    const compiled = compileHook(name, hook, context)
    const clash = paths.get(compiled.path)
    if (clash !== undefined) context.problem(['hooks', name, 'path'], `path ${compiled.path} is already used by ${clash}`)
    paths.set(compiled.path, name)
    hooks.set(name, compiled)
  }
  return { version, limits, hooks, caller: config.caller }
}
