import t from 'tap'
import { compileGetter } from '../../src/policy/conditions.js'
import type { HookRequest } from '../../src/policy/types.js'
import { loadOk } from '../helpers.js'

/** A decide() that denies (rule "hit") exactly when `when` holds. */
/** Whether `when` holds, as the `when` of a deny rule (or of an allow rule: `action: 'allow'`). */
async function holds (when: unknown, files: Record<string, string> = {}, limits?: object, action: 'deny' | 'allow' = 'deny'): Promise<(request: HookRequest) => boolean | string> {
  const rule = action === 'deny' ? { name: 'hit', when, deny: { code: 'hit', message: 'hit' } } : { name: 'hit', when, allow: true }
  const config = { limits, hooks: { preSignup: { default: action === 'deny' ? 'allow' : 'deny', rules: [rule] } } }
  const { policy } = await loadOk(JSON.stringify(config), files)
  const hook = policy.hooks.get('preSignup')!
  return request => {
    const decision = hook.decide(request)
    if (decision.rule === 'hit') return true
    if (decision.outcome === 'allow' || decision.code === 'denied') return false
    return decision.code
  }
}

const req = (data: Record<string, unknown>, provider = 'email'): HookRequest => ({ provider, data })

t.test('provider: one name or a list', async t => {
  const one = await holds({ provider: 'email' })
  t.equal(one(req({})), true)
  t.equal(one(req({}, 'Email')), false, 'provider names are case-sensitive')
  const list = await holds({ provider: ['google', 'github'] })
  t.equal(list(req({}, 'github')), true)
  t.equal(list(req({}, 'email')), false)
})

t.test('exists: present and not null, or absent/null', async t => {
  const present = await holds({ field: 'data.profile.phone', exists: true })
  t.equal(present(req({ profile: { phone: '1' } })), true)
  t.equal(present(req({ profile: { phone: '' } })), true, 'an empty string exists')
  t.equal(present(req({ profile: { phone: null } })), false)
  t.equal(present(req({ profile: {} })), false)
  t.equal(present(req({ profile: 'text' })), false)
  t.equal(present(req({})), false)
  const absent = await holds({ field: 'data.invite', exists: false })
  t.equal(absent(req({})), true)
  t.equal(absent(req({ invite: null })), true)
  t.equal(absent(req({ invite: 'x' })), false)
})

t.test('only own properties are read, never inherited ones', async t => {
  const proto = await holds({ field: 'data.constructor', exists: true })
  t.equal(proto(req({})), false)
  const nested = await holds({ field: 'data.a.toString', exists: true })
  t.equal(nested(req({ a: {} })), false)
  const length = await holds({ field: 'data.name.length', equals: 3 })
  t.equal(length(req({ name: 'ann' })), false, 'string properties are not followed')
})

t.test('nested paths and array indexes', async t => {
  const test = await holds({ field: 'data.phones.1.type', equals: 'mobile' })
  t.equal(test(req({ phones: [{ type: 'home' }, { type: 'mobile' }] })), true)
  t.equal(test(req({ phones: [{ type: 'mobile' }] })), false)
  t.equal(test(req({ phones: { 1: { type: 'mobile' } } })), true, 'an object with the key works like an array')
  const top = await holds({ field: 'data.tags.0', equals: 'beta' })
  t.equal(top(req({ tags: ['beta'] })), true)
})

t.test('equals: strings, numbers, booleans, null; ignoreCase for strings', async t => {
  const text = await holds({ field: 'data.kind', equals: 'Merchant' })
  t.equal(text(req({ kind: 'Merchant' })), true)
  t.equal(text(req({ kind: 'merchant' })), false)
  const folded = await holds({ field: 'data.kind', equals: 'Merchant', ignoreCase: true })
  t.equal(folded(req({ kind: 'MERCHANT' })), true)
  t.equal(folded(req({ kind: ['merchant'] })), false)
  const number = await holds({ field: 'data.age', equals: 18 })
  t.equal(number(req({ age: 18 })), true)
  t.equal(number(req({ age: '18' })), false, 'no type coercion')
  const bool = await holds({ field: 'data.terms', equals: true })
  t.equal(bool(req({ terms: true })), true)
  t.equal(bool(req({ terms: 'true' })), false)
  const nil = await holds({ field: 'data.x', equals: null })
  t.equal(nil(req({ x: null })), true)
  t.equal(nil(req({})), false, 'absent is not null')
  const provider = await holds({ field: 'provider', equals: 'EMAIL', ignoreCase: true })
  t.equal(provider(req({}, 'email')), true)
})

t.test('in / notIn, with ignoreCase', async t => {
  const inList = await holds({ field: 'data.country', in: ['FR', 'DE', 1] })
  t.equal(inList(req({ country: 'FR' })), true)
  t.equal(inList(req({ country: 'fr' })), false)
  t.equal(inList(req({ country: 1 })), true)
  t.equal(inList(req({})), false)
  const folded = await holds({ field: 'data.country', in: ['FR', 'de'], ignoreCase: true })
  t.equal(folded(req({ country: 'De' })), true)
  const notIn = await holds({ field: 'data.country', notIn: ['FR', 'de'], ignoreCase: true })
  t.equal(notIn(req({ country: 'fr' })), false)
  t.equal(notIn(req({ country: 'IT' })), true)
  t.equal(notIn(req({})), true, 'an absent field is not in the list')
})

t.test('matches / notMatches, with ignoreCase; non-strings never match', async t => {
  const matches = await holds({ field: 'data.username', matches: '^[a-z]+$' })
  t.equal(matches(req({ username: 'ann' })), true)
  t.equal(matches(req({ username: 'Ann' })), false)
  t.equal(matches(req({ username: 12 })), false)
  t.equal(matches(req({})), false)
  const folded = await holds({ field: 'data.username', matches: '^[a-z]+$', ignoreCase: true })
  t.equal(folded(req({ username: 'Ann' })), true)
  const notMatches = await holds({ field: 'data.username', notMatches: '^[a-z]+$' })
  t.equal(notMatches(req({ username: 'Ann' })), true)
  t.equal(notMatches(req({ username: 'ann' })), false)
  t.equal(notMatches(req({})), true, 'a missing value does not match, so notMatches holds')
  const both = await holds({ field: 'data.username', matches: '^a', notMatches: 'z$' })
  t.equal(both(req({ username: 'ab' })), true)
  t.equal(both(req({ username: 'az' })), false)
})

t.test('minLength / maxLength count code points; non-strings fail', async t => {
  const between = await holds({ field: 'data.name', minLength: 2, maxLength: 3 })
  t.equal(between(req({ name: 'a' })), false)
  t.equal(between(req({ name: 'ab' })), true)
  t.equal(between(req({ name: 'abc' })), true)
  t.equal(between(req({ name: 'abcd' })), false)
  t.equal(between(req({ name: '😀😀😀' })), true, 'three emoji are three characters')
  t.equal(between(req({ name: 22 })), false)
  const min = await holds({ field: 'data.name', minLength: 2 })
  t.equal(min(req({ name: 'x'.repeat(5000) })), true, 'no upper bound when only minLength is set')
  const max = await holds({ field: 'data.name', maxLength: 1 })
  t.equal(max(req({ name: '' })), true)
})

t.test('several tests in one field condition must all hold', async t => {
  const test = await holds({ field: 'data.code', exists: true, notIn: ['0000'], minLength: 4, maxLength: 4, matches: '^[0-9]+$' })
  t.equal(test(req({ code: '1234' })), true)
  t.equal(test(req({ code: '0000' })), false)
  t.equal(test(req({ code: '12a4' })), false)
})

t.test('all / any / not combine conditions', async t => {
  const test = await holds({
    all: [
      { provider: ['email', 'username'] },
      { any: [{ field: 'data.a', exists: true }, { field: 'data.b', exists: true }] },
      { not: { field: 'data.vip', equals: true } }
    ]
  })
  t.equal(test(req({ a: 1 })), true)
  t.equal(test(req({ b: 1 }, 'username')), true)
  t.equal(test(req({})), false)
  t.equal(test(req({ a: 1, vip: true })), false)
  t.equal(test(req({ a: 1 }, 'google')), false)
})

t.test('emailDomain in / notIn, inline, default field data.email', async t => {
  const allowed = await holds({ emailDomain: { in: ['company.com', 'bücher.de'] } })
  t.equal(allowed(req({ email: 'ann@company.com' })), true)
  t.equal(allowed(req({ email: 'ann@COMPANY.com.' })), true)
  t.equal(allowed(req({ email: 'ann@xn--bcher-kva.de' })), true, 'punycode address, Unicode list entry')
  t.equal(allowed(req({ email: 'ann@mail.company.com' })), false, 'subdomains are off unless opted in')
  const allowRule = await holds({ emailDomain: { in: ['company.com'] } }, {}, undefined, 'allow')
  t.equal(allowRule(req({ email: 'ann@company.com' })), true)
  t.equal(allowRule(req({ email: 'a@b@company.com' })), false, 'does not parse: never lets an allow rule fire')
  t.equal(allowRule(req({ email: 42 })), false)
  t.equal(allowRule(req({})), false)
  t.equal(allowed(req({ email: 'a@b@company.com' })), true, 'does not parse: a deny rule (block list) fires')
  t.equal(allowed(req({ email: 42 })), true)
  t.equal(allowed(req({})), false, 'missing: no domain, not in the list')
  const denied = await holds({ emailDomain: { notIn: ['xn--bcher-kva.de'] } })
  t.equal(denied(req({ email: 'ann@BÜCHER.de' })), false, 'Unicode address, punycode list entry')
  t.equal(denied(req({ email: 'ann@gmail.com' })), true)
  t.equal(denied(req({ email: 'ann@bücher.de/x' })), true, 'does not parse: always not in')
  t.equal(denied(req({})), true, 'missing: always not in')
  t.equal(denied(req({ email: `ann@${'a'.repeat(250)}.de` })), true, 'over 254 characters: does not parse')
  const notInAllowRule = await holds({ emailDomain: { notIn: ['xn--bcher-kva.de'] } }, {}, undefined, 'allow')
  t.equal(notInAllowRule(req({ email: 'ann@gmail.com' })), true)
  t.equal(notInAllowRule(req({ email: 'ann@bücher.de/x' })), false, 'does not parse: never lets an allow rule fire')
  const negated = await holds({ not: { emailDomain: { in: ['company.com'] } } })
  t.equal(negated(req({ email: 'ann@gmail.com' })), true)
  t.equal(negated(req({ email: 'ann@company.com' })), false)
  t.equal(negated(req({ email: 'a@b@company.com' })), true, 'under not in a deny rule: still fails closed')
})

t.test('emailDomain: subdomains opt-in and another field', async t => {
  const test = await holds({ emailDomain: { field: 'data.profile.mail', in: ['company.com'], subdomains: true } })
  t.equal(test(req({ profile: { mail: 'ann@eu.mail.company.com' } })), true)
  t.equal(test(req({ profile: { mail: 'ann@company.com' } })), true)
  t.equal(test(req({ profile: { mail: 'ann@notcompany.com' } })), false)
  t.equal(test(req({ email: 'ann@company.com' })), false, 'data.profile.mail is missing')
  const off = await holds({ emailDomain: { in: ['company.com'], subdomains: false } })
  t.equal(off(req({ email: 'ann@x.company.com' })), false)
})

t.test('emailDomain from a list file with # comments, relative to the config', async t => {
  const files = { 'lists/ok.txt': '# allowed\ncompany.com   # main\n\nBÜCHER.de\n' }
  const test = await holds({ emailDomain: { in: { file: 'lists/ok.txt' } } }, files)
  t.equal(test(req({ email: 'ann@company.com' })), true)
  t.equal(test(req({ email: 'ann@xn--bcher-kva.de' })), true)
  t.equal(test(req({ email: 'ann@main' })), false, 'comments are not entries')
  const notIn = await holds({ emailDomain: { notIn: { file: 'lists/ok.txt' }, subdomains: true } }, files)
  t.equal(notIn(req({ email: 'ann@x.bücher.de' })), false)
  t.equal(notIn(req({ email: 'ann@gmail.com' })), true)
})

t.test('a field longer than limits.fieldLength is refused before any regex runs', async t => {
  const test = await holds({ field: 'data.username', matches: '^[a-z]+$' }, {}, { fieldLength: 16 })
  t.equal(test(req({ username: 'a'.repeat(16) })), true)
  t.equal(test(req({ username: 'a'.repeat(17) })), 'field-too-long')
  const not = await holds({ field: 'data.username', notMatches: '^[a-z]+$' }, {}, { fieldLength: 16 })
  t.equal(not(req({ username: 'a'.repeat(17) })), 'field-too-long')
  const email = await holds({ emailDomain: { in: ['company.com'] } }, {}, { fieldLength: 16 })
  t.equal(email(req({ email: 'a-long-name@company.com' })), 'field-too-long', 'email conditions honour the cap too')
})

t.test('compileGetter reads provider and data paths', async t => {
  const request = req({ a: { b: [1, 2] } }, 'github')
  t.equal(compileGetter('provider')(request), 'github')
  t.same(compileGetter('data.a')(request), { b: [1, 2] })
  t.equal(compileGetter('data.a.b.1')(request), 2)
  t.equal(compileGetter('data.a.c.d')(request), undefined)
})
