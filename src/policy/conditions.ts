import type { Path } from '../config/problems.js'
import type { Condition, EmailDomainCondition } from '../config/types.js'
import { compileGetter, FieldTooLong, type ConditionContext, type Test } from './condition-parts.js'
import { emailDomain } from './email.js'
import { compileSafeRegex } from './regex.js'
import { addressField, compileEmailAddress, compileEmailSubaddress, emailAddressLabel, emailSubaddressLabel } from './restrictions.js'
import type { HookRequest } from './types.js'

export { compileGetter, FieldTooLong, type ConditionContext, type Test, type Tracer } from './condition-parts.js'

const always: Test = () => true
const MAX_EMAIL_LENGTH = 254

/** How `ignoreCase` compares: strings in lower case, other values as they are. */
export function foldCase (value: unknown, ignoreCase: boolean): unknown {
  return ignoreCase && typeof value === 'string' ? value.toLowerCase() : value
}

function codePointLength (text: string): number {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) { length--; i++ }
  }
  return length
}

function allOf (tests: Test[]): Test {
  if (tests.length === 1) return tests[0] as Test
  return request => {
    for (const test of tests) if (!test(request)) return false
    return true
  }
}

function anyOf (tests: Test[]): Test {
  return request => {
    for (const test of tests) if (test(request)) return true
    return false
  }
}

function compileProvider (provider: string | string[]): Test {
  if (typeof provider === 'string') return request => request.provider === provider
  const providers = new Set(provider)
  return request => providers.has(request.provider)
}

function compileField (condition: Condition, path: Path, context: ConditionContext): Test {
  const field = condition.field as string
  const read = compileGetter(field)
  const ignoreCase = condition.ignoreCase === true
  const fold = (value: unknown): unknown => foldCase(value, ignoreCase)
  const tests: Test[] = []

  if (condition.exists !== undefined) {
    const expected = condition.exists
    tests.push(request => { const value = read(request); return (value !== undefined && value !== null) === expected })
  }
  if (condition.equals !== undefined) {
    const expected = fold(condition.equals)
    tests.push(request => fold(read(request)) === expected)
  }
  if (condition.in !== undefined) {
    const values = context.valueList(condition.in, ignoreCase, fold)
    if (values !== null) tests.push(request => values.has(fold(read(request))))
  }
  if (condition.notIn !== undefined) {
    const values = context.valueList(condition.notIn, ignoreCase, fold)
    if (values !== null) tests.push(request => !values.has(fold(read(request))))
  }
  for (const key of ['matches', 'notMatches'] as const) {
    const pattern = condition[key]
    if (pattern === undefined) continue
    const check = compileSafeRegex(pattern, ignoreCase)
    if (!check.ok) {
      context.problem([...path, key], `pattern ${JSON.stringify(pattern)} ${check.reason}`)
      continue
    }
    const { regex } = check
    const limit = context.fieldLength
    const matches: Test = request => {
      const value = read(request)
      if (typeof value !== 'string') return false
      if (value.length > limit) throw new FieldTooLong(field, limit)
      return regex.test(value)
    }
    tests.push(key === 'matches' ? matches : request => !matches(request))
  }
  if (condition.minLength !== undefined || condition.maxLength !== undefined) {
    const min = condition.minLength ?? 0
    const max = condition.maxLength ?? Infinity
    if (min > max) context.problem(path, `minLength ${min} is greater than maxLength ${max}`)
    tests.push(request => {
      const value = read(request)
      if (typeof value !== 'string') return false
      const length = codePointLength(value)
      return length >= min && length <= max
    })
  }
  return allOf(tests)
}

function compileEmailDomain (condition: EmailDomainCondition, path: Path, context: ConditionContext, deniesWhenTrue: boolean): Test {
  const field = condition.field ?? 'data.email'
  const read = compileGetter(field)
  const limit = context.fieldLength
  const list0 = condition.in ?? condition.notIn
  // Built-in lists match subdomains unless told not to: throwaway providers hand out subdomains.
  const subdomains = condition.subdomains ?? (list0 !== undefined && !Array.isArray(list0) && 'builtin' in list0)
  const isIn = condition.in !== undefined
  const list = (condition.in ?? condition.notIn) as NonNullable<EmailDomainCondition['in']>
  const domains = context.domainList(list, [...path, isIn ? 'in' : 'notIn'])
  if (domains === null) return always
  // A missing field has no domain: it is simply not in the list. A value that is there but does
  // not parse as an address fails closed: it takes whichever result pushes its rule toward a
  // denial, so it never satisfies an allow list and always satisfies a block list.
  const unparseable = deniesWhenTrue
  const inList = (request: HookRequest): boolean => {
    const value = read(request)
    if (value === undefined || value === null) return false
    if (typeof value !== 'string') return unparseable === isIn
    if (value.length > limit) throw new FieldTooLong(field, limit)
    const domain = value.length <= MAX_EMAIL_LENGTH ? emailDomain(value) : null
    if (domain === null) return unparseable === isIn
    return domains.has(domain, subdomains)
  }
  return isIn ? inList : request => !inList(request)
}

function listLabel (values: readonly unknown[] | { file: string }): string {
  if (!Array.isArray(values)) return `file ${(values as { file: string }).file}`
  return `[${values.map(value => JSON.stringify(value)).join(', ')}]`
}

function fieldLabel (condition: Condition): string {
  const parts: string[] = []
  if (condition.exists !== undefined) parts.push(condition.exists ? 'exists' : 'is absent')
  if (condition.equals !== undefined) parts.push(`equals ${JSON.stringify(condition.equals)}`)
  if (condition.in !== undefined) parts.push(`in ${listLabel(condition.in)}`)
  if (condition.notIn !== undefined) parts.push(`not in ${listLabel(condition.notIn)}`)
  if (condition.matches !== undefined) parts.push(`matches /${condition.matches}/`)
  if (condition.notMatches !== undefined) parts.push(`does not match /${condition.notMatches}/`)
  if (condition.minLength !== undefined || condition.maxLength !== undefined) {
    parts.push(`length ${condition.minLength ?? 0}..${condition.maxLength ?? '∞'}`)
  }
  const fold = condition.ignoreCase === true ? ' (ignoring case)' : ''
  return `${condition.field as string} ${parts.join(', ')}${fold}`
}

function emailDomainLabel (condition: EmailDomainCondition): string {
  const list = (condition.in ?? condition.notIn) as NonNullable<EmailDomainCondition['in']>
  const builtin = !Array.isArray(list) && 'builtin' in list
  const where = builtin ? `builtin ${list.builtin}` : listLabel(list as string[] | { file: string })
  const subdomains = (condition.subdomains ?? builtin) ? ' (or a subdomain)' : ''
  return `email domain of ${condition.field ?? 'data.email'} ${condition.in !== undefined ? 'in' : 'not in'} ${where}${subdomains}`
}

/** A one-line description of a condition and the value it reads, for traces. */
function describeCondition (condition: Condition): { label: string, read?: (request: HookRequest) => unknown } {
  if (condition.all !== undefined) return { label: 'all of' }
  if (condition.any !== undefined) return { label: 'any of' }
  if (condition.not !== undefined) return { label: 'not' }
  if (condition.provider !== undefined) {
    const label = typeof condition.provider === 'string' ? `provider is ${JSON.stringify(condition.provider)}` : `provider in ${listLabel(condition.provider)}`
    return { label, read: request => request.provider }
  }
  if (condition.emailDomain !== undefined) {
    return { label: emailDomainLabel(condition.emailDomain), read: compileGetter(condition.emailDomain.field ?? 'data.email') }
  }
  if (condition.emailAddress !== undefined) {
    return { label: emailAddressLabel(condition.emailAddress), read: compileGetter(addressField(condition.emailAddress)) }
  }
  if (condition.emailSubaddress !== undefined) {
    return { label: emailSubaddressLabel(condition.emailSubaddress), read: compileGetter(addressField(condition.emailSubaddress)) }
  }
  return { label: fieldLabel(condition), read: compileGetter(condition.field as string) }
}

/**
 * Compiles a condition into a test. Problems are reported through the context, never thrown.
 * `deniesWhenTrue` says whether the condition holding pushes its rule toward a denial (a deny
 * rule's `when`, or under an odd number of `not`s in an allow/roles rule); email conditions use it
 * to fail closed on addresses that do not parse.
 */
export function compileCondition (condition: Condition | undefined, path: Path, context: ConditionContext, deniesWhenTrue = false): Test {
  if (condition === undefined) return always
  const test = compileUntraced(condition, path, context, deniesWhenTrue)
  if (context.trace === undefined) return test
  const { label, read } = describeCondition(condition)
  return context.trace(path, label, test, read)
}

function compileUntraced (condition: Condition, path: Path, context: ConditionContext, deniesWhenTrue: boolean): Test {
  if (condition.all !== undefined) return allOf(condition.all.map((c, i) => compileCondition(c, [...path, 'all', i], context, deniesWhenTrue)))
  if (condition.any !== undefined) return anyOf(condition.any.map((c, i) => compileCondition(c, [...path, 'any', i], context, deniesWhenTrue)))
  if (condition.not !== undefined) {
    const inner = compileCondition(condition.not, [...path, 'not'], context, !deniesWhenTrue)
    return request => !inner(request)
  }
  if (condition.provider !== undefined) return compileProvider(condition.provider)
  if (condition.emailDomain !== undefined) return compileEmailDomain(condition.emailDomain, [...path, 'emailDomain'], context, deniesWhenTrue)
  if (condition.emailAddress !== undefined) return compileEmailAddress(condition.emailAddress, [...path, 'emailAddress'], context, deniesWhenTrue) ?? always
  if (condition.emailSubaddress !== undefined) return compileEmailSubaddress(condition.emailSubaddress, context, deniesWhenTrue)
  return compileField(condition, path, context)
}
