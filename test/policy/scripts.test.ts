import t from 'tap'
import { emailDomain, normalizeDomain } from '../../src/policy/email.js'
import { mixesScripts, scriptsAllowedTogether, scriptsOf } from '../../src/policy/scripts.js'

t.test('the invisible-character corpus: none of them parses, anywhere in the address', async t => {
  const corpus = [
    '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e', // zero-width, word joiner, BOM, soft hyphen, MVS
    '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', // bidi controls
    '\u061c', '\u034f', '\u115f', '\u1160', '\u17b4', '\u3164', '\ufe00', '\ufe0f', '\uffa0', '\u2061', '\u2064', '\u206a', '\u206f',
    '\u{1d173}', '\u{e0001}', '\u{e0020}', '\u{e007f}', '\u{e0100}', '\u{e01ef}', '\u{e0fff}'
  ]
  const base = 'alice@company.com'
  for (const char of corpus) {
    const hex = `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`
    for (let at = 0; at <= base.length; at++) {
      const address = base.slice(0, at) + char + base.slice(at)
      if (emailDomain(address) !== null) t.fail(`${hex} at ${at} parsed`)
    }
    t.equal(normalizeDomain(`bücher${char}.de`), null, `${hex} in a list entry`)
    t.equal(normalizeDomain(`company.com${char}`), null, `${hex} after an ASCII list entry`)
  }
  t.equal(emailDomain('alice@company.com\u200b'), null, 'regression: IDN mapping no longer drops U+200B into company.com')
})

t.test('labels that mix scripts do not parse (UTS #39 Moderately Restrictive)', async t => {
  const refused = [
    'p\u0430ypal.com', // Cyrillic а among Latin
    'xn--pypal-4ve.com', // the same written as punycode
    'g\u03bfogle.com', // Greek ο among Latin
    '\u0430\u03b2c.com', // Cyrillic with Greek
    'mail.p\u0430ypal.com', // in any label
    'abc\u05d0\u0627.com' // Latin with Hebrew and Arabic: three scripts
  ]
  for (const domain of refused) {
    t.equal(normalizeDomain(domain), null, domain)
    t.equal(emailDomain(`ann@${domain}`), null, `ann@${domain}`)
  }
  const accepted = {
    'bücher.de': 'xn--bcher-kva.de',
    'аррӏе.com': 'xn--80ak6aa92e.com', // one script: whole-script look-alikes are not caught
    'αβγ.gr': 'xn--mxacd.gr',
    '日本.jp': 'xn--wgv71a.jp',
    'ひらがなカタカナ漢字abc.jp': 'xn--abc-o73b4fvb9jyka3rseo550d906b.jp', // Japanese with Latin
    '한국abc.kr': 'xn--abc-lt8lk11n.kr', // Korean with Latin
    'ㄅㄆ中文abc.tw': normalizeDomain('ㄅㄆ中文abc.tw'), // Chinese with Bopomofo and Latin
    'abcविकि.in': normalizeDomain('abcविकि.in'), // Latin with one other script
    'p\u0430ypal.xn--80ak6aa92e.com': null,
    'ρ.пример.com': normalizeDomain('ρ.пример.com') // each label has one script
  }
  for (const [domain, expected] of Object.entries(accepted)) {
    t.equal(normalizeDomain(domain), expected, domain)
  }
  t.not(normalizeDomain('ρ.пример.com'), null)
  t.not(normalizeDomain('abcविकि.in'), null)
  t.not(normalizeDomain('ㄅㄆ中文abc.tw'), null)
})

t.test('script sets', async t => {
  t.same([...scriptsOf('a1-\u0301b')], ['Latin'], 'digits, hyphen and combining marks belong to every script')
  t.same([...scriptsOf('a\u0430')].sort(), ['Cyrillic', 'Latin'])
  t.ok(scriptsAllowedTogether(new Set()))
  t.notOk(scriptsAllowedTogether(new Set(['Unknown'])), 'unassigned characters mix with nothing')
  t.notOk(scriptsAllowedTogether(new Set(['Latin', 'Unknown'])))
  t.notOk(scriptsAllowedTogether(new Set(['Arabic', 'Hebrew'])), 'two scripts without Latin')
  t.same([...scriptsOf('\u0378')], ['Unknown'], 'an unassigned code point has no script')
  t.notOk(mixesScripts('www.xn--mxacd.gr'), 'ASCII labels beside a decoded one')
  t.notOk(mixesScripts('company.com'))
  t.notOk(mixesScripts('xn--bcher-kva.de'))
})
