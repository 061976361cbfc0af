import t from 'tap'
import { emailDomain, normalizeDomain } from '../../src/policy/email.js'

/** A test name safe for TAP: line separators such as U+0085 would end the line. */
const escape = (text: string): string => JSON.stringify(text).replace(/[^\x20-\x7e]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

t.test('the domain is everything after the single unquoted @, lower-cased', async t => {
  t.equal(emailDomain('ann@company.com'), 'company.com')
  t.equal(emailDomain('ann@COMPANY.COM'), 'company.com')
  t.equal(emailDomain('Ann.Smith+tag@Mail.Company.Com'), 'mail.company.com')
})

t.test('one trailing dot is ignored, two are not', async t => {
  t.equal(emailDomain('ann@company.com.'), 'company.com')
  t.equal(emailDomain('ann@company.com..'), null)
  t.equal(normalizeDomain('.'), null)
})

t.test('internationalised domains become punycode, whatever their case', async t => {
  t.equal(emailDomain('ann@bücher.de'), 'xn--bcher-kva.de')
  t.equal(emailDomain('ann@BÜCHER.DE'), 'xn--bcher-kva.de')
  t.equal(emailDomain('ann@xn--bcher-kva.de'), 'xn--bcher-kva.de')
  t.equal(emailDomain('ann@XN--BCHER-KVA.DE'), 'xn--bcher-kva.de')
  t.equal(emailDomain('ann@évil.com'), 'xn--vil-9la.com')
  t.equal(emailDomain('ann@bücher.de.'), 'xn--bcher-kva.de')
})

t.test('several @, a missing @ or empty parts never parse', async t => {
  for (const address of ['a@b@company.com', 'company.com', '@company.com', 'ann@', '@', 'a@company.com@evil.com', 'evil.com@company.com@']) {
    t.equal(emailDomain(address), null, address)
  }
})

t.test('evil.com@company.com variants: only the part after the last unquoted @ counts', async t => {
  t.equal(emailDomain('evil.com@company.com'), 'company.com')
  t.equal(emailDomain('a@evil.com@company.com'), null)
  t.equal(emailDomain('a%40evil.com@company.com'), 'company.com')
  t.equal(emailDomain('ann@company.com#@evil.com'), null)
  t.equal(emailDomain('ann@company.com%40evil.com'), null)
  t.equal(emailDomain('ann@company.com/evil.com'), null)
  t.equal(emailDomain('ann@company.com?evil.com'), null)
  t.equal(emailDomain('ann@evil.com\\@company.com'), null)
})

t.test('quoted local parts may hold @; the quote must close right before the @', async t => {
  t.equal(emailDomain('"a@b"@company.com'), 'company.com')
  t.equal(emailDomain('"evil.com@"@company.com'), 'company.com')
  t.equal(emailDomain('"a\\"@evil.com"@company.com'), 'company.com')
  t.equal(emailDomain('"ann"@evil.com'), 'evil.com')
  t.equal(emailDomain('"a\\"@company.com'), null, 'escaped closing quote: never closes')
  t.equal(emailDomain('"ann"x@company.com'), null, 'text after the closing quote')
  t.equal(emailDomain('"a@b"@evil.com@company.com'), null, 'a second @ after the quoted part')
  t.equal(emailDomain('"unclosed@company.com'), null)
})

t.test('whitespace and control characters anywhere never parse', async t => {
  for (const address of [
    'ann@company.com ', ' ann@company.com', 'ann@ company.com', 'an n@company.com', 'ann@company.com\n',
    'ann@company.com\r\nBcc: x@evil.com', 'ann@\u0000company.com', 'ann@company.com\t', 'ann@company.com\u0085',
    'ann@company.com\u2028', 'ann@company.com\u00a0', '"a b"@company.com', 'ann@company\u007f.com'
  ]) {
    t.equal(emailDomain(address), null, escape(address))
  }
})

t.test('domainToASCII traps: nothing it would drop or decode gets through', async t => {
  for (const address of [
    'ann@évil.com/x', 'ann@évil.com/@company.com', 'ann@évil.com?.company.com', 'ann@évil.com#company.com',
    'ann@évil.com%2ecompany.com', 'ann@évil.com:443', 'ann@évil.com\\company.com', 'ann@[évil.com]', 'ann@évil_.com'
  ]) {
    t.equal(emailDomain(address), null, address)
  }
})

t.test('domains that are not DNS names never parse', async t => {
  for (const address of [
    'ann@company..com', 'ann@.company.com', 'ann@-company.com', 'ann@company-.com', 'ann@company_x.com',
    'ann@[1.2.3.4]', 'ann@1.2.3.4', 'ann@127.0.0.1.', 'ann@0x7f.1', 'ann@xn--.com', `ann@${'a'.repeat(64)}.com`,
    `ann@${'a.'.repeat(127)}com`
  ]) {
    t.equal(emailDomain(address), null, address.slice(0, 40))
  }
  t.equal(emailDomain(`ann@${'a'.repeat(63)}.com`), `${'a'.repeat(63)}.com`, '63-character labels are fine')
  t.equal(emailDomain('ann@123.example'), '123.example', 'numeric labels other than the last are fine')
})

t.test('non-ASCII domains that IDNA refuses never parse; its mappings apply to both sides alike', async t => {
  t.equal(emailDomain('ann@ü..de'), null)
  t.equal(normalizeDomain('ｃｏｍｐａｎｙ.com'), 'company.com', 'full-width letters map to ASCII (UTS #46)')
  t.equal(emailDomain('ann@ｃｏｍｐａｎｙ.com'), normalizeDomain('ｃｏｍｐａｎｙ.com'))
  t.equal(normalizeDomain(`${'ü'.repeat(254)}`), null, 'too long before conversion')
})
