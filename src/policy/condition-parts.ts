// What conditions are made of, apart from the conditions themselves: the compiled test, the
// compile context, the too-long refusal and field readers. Both conditions.ts and the address
// restrictions build on it, so neither imports the other.
import type { Path } from '../config/problems.js'
import type { AddressList, EmailDomainCondition, ValueList } from '../config/types.js'
import type { AddressNormalization, AddressSet } from './addresses.js'
import type { DomainSet } from './domains.js'
import type { HookRequest } from './types.js'

export type Test = (request: HookRequest) => boolean

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
  /** Resolves an email domain list (inline, a file or built-in) to a set; null after recording a problem. */
  domainList: (list: NonNullable<EmailDomainCondition['in']>, path: Path) => DomainSet | null
  /** Resolves an address list (inline or a file) to a set of mailbox keys; null after a problem. */
  addressList: (list: AddressList, path: Path, normalization: AddressNormalization) => AddressSet | null
  /** Resolves a field's `in`/`notIn` list (inline or a file), folded by `fold`; null after a problem. */
  valueList: (list: ValueList, ignoreCase: boolean, fold: (value: unknown) => unknown) => ReadonlySet<unknown> | null
  /** Set only when compiling for `explain`: wraps each compiled test so its result can be shown. */
  trace?: Tracer
}

/**
 * Wraps a compiled test to record, per request, whether it held and the value it looked at.
 * The wrapped test is the real one, so a trace can never disagree with a decision.
 */
export type Tracer = (path: Path, label: string, test: Test, read?: (request: HookRequest) => unknown) => Test

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
