import type { Path } from '../config/problems.js'
import type { EmailAddressCondition, EmailSubaddressCondition } from '../config/types.js'
import { hasSubaddress, type AddressSet } from './addresses.js'
import { compileGetter, FieldTooLong, type ConditionContext, type Test } from './condition-parts.js'
import { parseAddress, type ParsedAddress } from './email.js'
import type { HookRequest } from './types.js'

const MAX_EMAIL_LENGTH = 254
export const DEFAULT_SEPARATORS = '+=#'

/**
 * A condition on a parsed address. A missing field gives `missing`; a value that is there but does
 * not parse fails closed: the condition takes the result that pushes its rule toward a denial
 * (`deniesWhenTrue`), so it never lets an allow rule fire and always lets a deny rule fire.
 */
function onAddress (field: string, context: ConditionContext, deniesWhenTrue: boolean, missing: boolean, holds: (address: ParsedAddress) => boolean): Test {
  const read = compileGetter(field)
  const limit = context.fieldLength
  return (request: HookRequest): boolean => {
    const value = read(request)
    if (value === undefined || value === null) return missing
    if (typeof value !== 'string') return deniesWhenTrue
    if (value.length > limit) throw new FieldTooLong(field, limit)
    const address = value.length <= MAX_EMAIL_LENGTH ? parseAddress(value) : null
    return address === null ? deniesWhenTrue : holds(address)
  }
}

/** `emailAddress: {in | notIn, normalize, field}`: the address's mailbox is (not) in a list. */
export function compileEmailAddress (condition: EmailAddressCondition, path: Path, context: ConditionContext, deniesWhenTrue: boolean): Test | null {
  const isIn = condition.in !== undefined
  const list = (condition.in ?? condition.notIn) as NonNullable<EmailAddressCondition['in']>
  const addresses: AddressSet | null = context.addressList(list, [...path, isIn ? 'in' : 'notIn'], condition.normalize ?? 'mailbox')
  if (addresses === null) return null
  const field = condition.field ?? 'data.email'
  return isIn
    ? onAddress(field, context, deniesWhenTrue, false, address => addresses.has(address))
    : onAddress(field, context, deniesWhenTrue, true, address => !addresses.has(address))
}

/** `emailSubaddress: true | {field, separators}`: the local part carries a tag (user+tag@…). */
export function compileEmailSubaddress (condition: EmailSubaddressCondition, context: ConditionContext, deniesWhenTrue: boolean): Test {
  const options = condition === true ? {} : condition
  const separators = options.separators ?? DEFAULT_SEPARATORS
  return onAddress(options.field ?? 'data.email', context, deniesWhenTrue, false, address => hasSubaddress(address, separators))
}

function addressListLabel (list: NonNullable<EmailAddressCondition['in']>): string {
  return Array.isArray(list) ? `[${list.map(entry => JSON.stringify(entry)).join(', ')}]` : `file ${list.file}`
}

/** Trace labels, as `explain` shows them. */
export function emailAddressLabel (condition: EmailAddressCondition): string {
  const list = (condition.in ?? condition.notIn) as NonNullable<EmailAddressCondition['in']>
  const normalized = condition.normalize === 'provider' ? ' (provider-normalised)' : ''
  return `email address ${condition.field ?? 'data.email'} ${condition.in !== undefined ? 'in' : 'not in'} ${addressListLabel(list)}${normalized}`
}

export function emailSubaddressLabel (condition: EmailSubaddressCondition): string {
  const options = condition === true ? {} : condition
  return `email address ${options.field ?? 'data.email'} has a subaddress (${JSON.stringify(options.separators ?? DEFAULT_SEPARATORS)})`
}

export function addressField (condition: EmailAddressCondition | EmailSubaddressCondition): string {
  return condition === true ? 'data.email' : condition.field ?? 'data.email'
}
