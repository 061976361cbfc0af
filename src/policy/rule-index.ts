import type { Condition } from '../config/types.js'
import { compileGetter, foldCase } from './conditions.js'
import type { HookRequest } from './types.js'

/**
 * One way a rule's `when` can hold: the field (or `provider`), folded to lower case when
 * `ignoreCase`, equals one of `values`. A rule's guard is a list of these: its `when` can only
 * hold when at least one of them does.
 */
export interface GuardTerm {
  field: string
  ignoreCase: boolean
  values: readonly unknown[]
}

export type Guard = readonly GuardTerm[]

/** Whether evaluating the condition can throw FieldTooLong (pattern and email tests cap field length). */
function mayThrow (condition: Condition): boolean {
  if (condition.all !== undefined) return condition.all.some(mayThrow)
  if (condition.any !== undefined) return condition.any.some(mayThrow)
  if (condition.not !== undefined) return mayThrow(condition.not)
  return condition.emailDomain !== undefined || condition.emailAddress !== undefined || condition.emailSubaddress !== undefined ||
    condition.matches !== undefined || condition.notMatches !== undefined
}

/**
 * A guard for a condition, or null when it has none. The guarantee, relied on to skip rules: when
 * no term of the guard holds, evaluating the condition returns false and does not throw. So `all`
 * takes its guard from a child that runs before any child that may throw, and `any` has one only
 * when every child has one.
 */
export function guardOf (condition: Condition | undefined): Guard | null {
  if (condition === undefined) return null
  if (condition.all !== undefined) {
    for (const child of condition.all) {
      const guard = guardOf(child)
      if (guard !== null) return guard
      if (mayThrow(child)) return null
    }
    return null
  }
  if (condition.any !== undefined) {
    const guards = condition.any.map(guardOf)
    return guards.every(guard => guard !== null) ? (guards as Guard[]).flat() : null
  }
  if (condition.not !== undefined || condition.emailDomain !== undefined || condition.emailAddress !== undefined || condition.emailSubaddress !== undefined) return null
  if (condition.provider !== undefined) {
    return [{ field: 'provider', ignoreCase: false, values: typeof condition.provider === 'string' ? [condition.provider] : condition.provider }]
  }
  const field = condition.field as string
  const ignoreCase = condition.ignoreCase === true
  // compileField tests equals and in before any pattern, so either guards the whole condition.
  if (condition.equals !== undefined) return [{ field, ignoreCase, values: [condition.equals] }]
  // A list file can hold a million values: its rules are not indexed (each is one hash probe anyway).
  if (Array.isArray(condition.in)) return [{ field, ignoreCase, values: condition.in }]
  return null
}

/** Rules by the value of one field, folded the way their tests fold it. */
interface FieldIndex {
  read: (request: HookRequest) => unknown
  ignoreCase: boolean
  rules: Map<unknown, number[]>
}

/**
 * Which of a hook's rules could hold for a request, found with one Map lookup per indexed field
 * instead of running every rule's tests. Rules without a guard are always candidates. Deciding
 * still runs each candidate's real tests in rule order, so the index only ever skips rules whose
 * tests would have returned false.
 */
export class RuleIndex {
  readonly #fields: FieldIndex[] = []
  readonly #alwaysCandidate: boolean[]
  // marks[i] === stamp when rule i is a candidate for the request being decided. A new stamp per
  // request avoids clearing the array (a double counts past 2^53 before it repeats); decide() is
  // synchronous, so one array per hook is enough.
  readonly #marks: Float64Array
  #stamp = 0

  constructor (guards: ReadonlyArray<Guard | null>) {
    this.#alwaysCandidate = guards.map(guard => guard === null)
    this.#marks = new Float64Array(guards.length)
    const byKey = new Map<string, FieldIndex>()
    guards.forEach((guard, rule) => {
      for (const term of guard ?? []) {
        const key = `${term.ignoreCase ? 'i' : 's'}:${term.field}`
        let index = byKey.get(key)
        if (index === undefined) {
          index = { read: compileGetter(term.field), ignoreCase: term.ignoreCase, rules: new Map() }
          byKey.set(key, index)
          this.#fields.push(index)
        }
        for (const value of term.values) {
          const folded = foldCase(value, term.ignoreCase)
          const rules = index.rules.get(folded) ?? []
          if (rules.at(-1) !== rule) rules.push(rule)
          index.rules.set(folded, rules)
        }
      }
    })
  }

  /** Marks the request's candidate rules; read the marks with isCandidate until the next call. */
  markCandidates (request: HookRequest): void {
    const stamp = ++this.#stamp
    for (const index of this.#fields) {
      const rules = index.rules.get(foldCase(index.read(request), index.ignoreCase))
      if (rules !== undefined) for (const rule of rules) this.#marks[rule] = stamp
    }
  }

  isCandidate (rule: number): boolean {
    return this.#alwaysCandidate[rule] === true || this.#marks[rule] === this.#stamp
  }
}
