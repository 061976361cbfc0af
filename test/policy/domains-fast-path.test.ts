import t from 'tap'
import { DomainSet, domainsFromList, domainsFromText } from '../../src/policy/domains.js'
import { emailDomain, normalizeDomain } from '../../src/policy/email.js'

// A small deterministic generator (no Math.random: a failure must reproduce).
function * candidates (count: number): Generator<string> {
  const pieces = ['a', 'b', 'z', '0', '9', '-', '.', 'A', 'ü', 'x'.repeat(62), '_', 'com', 'io', '1']
  let seed = 42
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed }
  for (let i = 0; i < count; i++) {
    let text = ''
    for (let length = 1 + next() % 8; length > 0; length--) text += pieces[next() % pieces.length] as string
    yield text
  }
}

t.test('the canonical fast path accepts exactly what normalizeDomain keeps unchanged', async t => {
  let fast = 0
  for (const candidate of candidates(20_000)) {
    const set = new DomainSet()
    const normalized = normalizeDomain(candidate)
    if (set.add(candidate) !== (normalized !== null)) t.fail(`add(${JSON.stringify(candidate)}) disagrees with normalizeDomain`)
    if (normalized !== null && !set.has(normalized, false)) t.fail(`${JSON.stringify(candidate)} is not found as ${normalized}`)
    if (normalized === candidate) fast++
  }
  t.ok(fast > 100, `${fast} generated names were already canonical`)
})

t.test('a list file indexed in place holds the same names as the same entries added one by one', async t => {
  const entries = [...candidates(5_000)].filter(entry => !entry.includes('#'))
  const fromText = domainsFromText(entries.join('\n')).set
  const fromList = domainsFromList(entries).set
  t.equal(fromText.size, fromList.size)
  for (const entry of entries) {
    const normalized = normalizeDomain(entry.trim())
    if (normalized !== null && !fromText.has(normalized, false)) t.fail(`${JSON.stringify(entry)} missing as ${normalized}`)
  }
})

t.test('names the fast path must leave to the general path', async t => {
  const set = new DomainSet()
  t.equal(set.add('Example.COM'), true, 'upper case is folded')
  t.equal(set.add('trailing.dot.org.'), true, 'one trailing dot is dropped')
  t.equal(set.add('bücher.de'), true, 'internationalised names become punycode')
  t.equal(set.add('xn--p1ai'), true, 'a punycode top-level label')
  t.equal(set.add(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.io`), false, 'longer than 253 characters')
  t.equal(set.add('-bad.com'), false)
  t.equal(set.add('bad-.com'), false)
  t.equal(set.add(`${'x'.repeat(64)}.com`), false, 'a label longer than 63 characters')
  t.equal(set.add('a..b.com'), false)
  t.equal(set.add('bü/cher.de'), false, 'URL syntax beside non-ASCII')
  t.equal(set.add(''), false)
  t.equal(set.add('.'), false)
  t.same([set.has('example.com', false), set.has('trailing.dot.org', false), set.has('xn--bcher-kva.de', false), set.has('xn--p1ai', false)], [true, true, true, true])
  t.equal(set.size, 4)
})

t.test('a million-line list loads through the fast path', async t => {
  const lines = Array.from({ length: 1_000_000 }, (_, i) => `org-${i.toString(36)}.${i % 2 === 0 ? 'com' : 'co.uk'}`)
  const { set, errors } = domainsFromText(`# generated\n${lines.join('\n')}\nNot A Domain\n`)
  t.equal(set.size, 1_000_000)
  t.same(errors, [{ line: 1_000_002, message: '"Not A Domain" is not a domain name' }])
  t.equal(set.has(`mail.org-${(1000).toString(36)}.com`, true), true)
  t.equal(set.has(`mail.org-${(1000).toString(36)}.com`, false), false)
  t.equal(set.has('mail.not-listed.com', true), false)
  t.equal(domainsFromList(['ok.com', 'not ok']).errors.length, 1)
})

t.test('a name listed twice, or in two spellings, counts once', async t => {
  const { set, errors } = domainsFromText('a.com\nA.COM\nb.com.\nb.com\na.com\nc.org # comment\r\n')
  t.same(errors, [])
  t.equal(set.size, 3)
  t.equal(set.add('a.com'), true)
  t.equal(set.add('D.org'), true)
  t.equal(set.size, 4, 'adding a listed name again does not grow the set')
  t.same(['a.com', 'b.com', 'c.org', 'd.org', 'x.a.com'].map(name => set.has(name, true)), [true, true, true, true, true])
  t.equal(set.has('a.co', false), false)
  t.equal(domainsFromText('').set.size, 0)
})

t.test('email domains', async t => {
  t.equal(emailDomain('Maria@Example.COM'), 'example.com')
  t.equal(emailDomain('"a@b"@example.com'), 'example.com', 'a quoted local part may hold @')
  t.equal(emailDomain('"a\\"b"@example.com'), 'example.com', 'escaped quotes inside the quotes')
  t.equal(emailDomain('"unclosed@example.com'), null)
  t.equal(emailDomain('"a"b@example.com'), null, 'the quote must end the local part')
  t.equal(emailDomain('"a"@b@example.com'), null)
  t.equal(emailDomain('a@b@example.com'), null)
  t.equal(emailDomain('@example.com'), null)
  t.equal(emailDomain('no-at-sign'), null)
  t.equal(emailDomain('a b@example.com'), null)
})
