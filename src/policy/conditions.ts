import type { Condition, EmailDomainCondition } from '../config/types.js'
import type { DomainSet } from './domains.js'
import { emailDomain } from './email.js'
import { compileSafeRegex } from './regex.js'
import type { HookRequest } from './types.js'

export type Test = (request: HookRequest) => boolean
export type Path = Array<string | number>

/** Thrown while deciding when a field a regex would read is longer than the configured cap. */
export class FieldTooLong extends Error {
  constructor (readonly field: string, readonly limit: number) {
    super(`${field} is longer than ${limit} characters`)
  }
}

export interface ConditionContext {
  fieldLength: number
  /** Records a problem at a path inside the config. */
  problem: (path: Path, message: string) => void
  /** Resolves an email domain list (inline or from a file) to a set; null after recording a problem. */
  domainList: (list: NonNullable<EmailDomainCondition['in']>, path: Path) => DomainSet | null
}

const always: Test = () => true
const MAX_EMAIL_LENGTH = 254

function ownValue (value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined
}

/** A reader for `provider` or a `data.a.b` path; only own properties are followed. */
export function compileGetter (path: string): (request: HookRequest) => unknown {
  if (path === 'provider') return request => request.provider
  const keys = path.split('.').slice(1)
  if (keys.length === 1) {
    const [key] = keys as [string]
    return request => ownValue(request.data, key)
  }
  return request => {
    let value: unknown = request.data
    for (const key of keys) {
      value = ownValue(value, key)
      if (value === undefined) return undefined
    }
    return value
  }
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
  const fold = (value: unknown): unknown => ignoreCase && typeof value === 'string' ? value.toLowerCase() : value
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
    const values = new Set<unknown>(condition.in.map(fold))
    tests.push(request => values.has(fold(read(request))))
  }
  if (condition.notIn !== undefined) {
    const values = new Set<unknown>(condition.notIn.map(fold))
    tests.push(request => !values.has(fold(read(request))))
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

function compileEmailDomain (condition: EmailDomainCondition, path: Path, context: ConditionContext): Test {
  const field = condition.field ?? 'data.email'
  const read = compileGetter(field)
  const limit = context.fieldLength
  const subdomains = condition.subdomains === true
  const allow = condition.in !== undefined
  const list = (condition.in ?? condition.notIn) as NonNullable<EmailDomainCondition['in']>
  const domains = context.domainList(list, [...path, allow ? 'in' : 'notIn'])
  if (domains === null) return always
  const domainOf = (request: HookRequest): string | null => {
    const value = read(request)
    if (typeof value !== 'string') return null
    if (value.length > limit) throw new FieldTooLong(field, limit)
    return value.length <= MAX_EMAIL_LENGTH ? emailDomain(value) : null
  }
  // Fail closed: an address that does not parse is never "in" and always "not in".
  return allow
    ? request => { const domain = domainOf(request); return domain !== null && domains.has(domain, subdomains) }
    : request => { const domain = domainOf(request); return domain === null || !domains.has(domain, subdomains) }
}

/** Compiles a condition into a test. Problems are reported through the context, never thrown. */
export function compileCondition (condition: Condition | undefined, path: Path, context: ConditionContext): Test {
  if (condition === undefined) return always
  if (condition.all !== undefined) return allOf(condition.all.map((c, i) => compileCondition(c, [...path, 'all', i], context)))
  if (condition.any !== undefined) return anyOf(condition.any.map((c, i) => compileCondition(c, [...path, 'any', i], context)))
  if (condition.not !== undefined) {
    const inner = compileCondition(condition.not, [...path, 'not'], context)
    return request => !inner(request)
  }
  if (condition.provider !== undefined) return compileProvider(condition.provider)
  if (condition.emailDomain !== undefined) return compileEmailDomain(condition.emailDomain, [...path, 'emailDomain'], context)
  return compileField(condition, path, context)
}
