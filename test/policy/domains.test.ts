import t from 'tap'
import { DomainSet, domainsFromList, domainsFromText } from '../../src/policy/domains.js'

t.test('a set matches exact domains, and parents only when subdomains are on', async t => {
  const set = new DomainSet()
  t.equal(set.add('Company.COM.'), true)
  t.equal(set.add('bücher.de'), true)
  t.equal(set.add('not a domain'), false)
  t.equal(set.size, 2)
  t.equal(set.has('company.com', false), true)
  t.equal(set.has('xn--bcher-kva.de', false), true)
  t.equal(set.has('mail.company.com', false), false)
  t.equal(set.has('mail.company.com', true), true)
  t.equal(set.has('a.b.c.company.com', true), true)
  t.equal(set.has('evilcompany.com', true), false, 'a suffix that is not a whole label never matches')
  t.equal(set.has('company.com.evil.net', true), false)
  t.equal(set.has('com', true), false, 'a parent of a listed domain does not match')
})

t.test('inline lists report entries that are not domains by index', async t => {
  const { set, errors } = domainsFromList(['company.com', ' spaced.com ', 'a@b.com', 'x..y'])
  t.equal(set.size, 2)
  t.same(errors, [
    { line: 2, message: '"a@b.com" is not a domain name' },
    { line: 3, message: '"x..y" is not a domain name' }
  ])
})

t.test('list files: one domain per line, # comments, blank lines, CRLF', async t => {
  const { set, errors } = domainsFromText('# header\ncompany.com\n\n  other.org   # trailing comment\r\nBÜCHER.de\n#last')
  t.same(errors, [])
  t.equal(set.size, 3)
  t.equal(set.has('other.org', false), true)
  t.equal(set.has('xn--bcher-kva.de', false), true)
})

t.test('list files report bad entries with their 1-based line, at most 20', async t => {
  const { errors } = domainsFromText('ok.com\nbad entry\n# c\nx@y.com')
  t.same(errors, [
    { line: 2, message: '"bad entry" is not a domain name' },
    { line: 4, message: '"x@y.com" is not a domain name' }
  ])
  const many = domainsFromText(Array.from({ length: 50 }, (_, i) => `bad_${i}`).join('\n'))
  t.equal(many.errors.length, 20)
  const long = domainsFromText(`${'x'.repeat(300)}`)
  t.equal(long.errors[0]?.message, `"${'x'.repeat(80)}" is not a domain name`, 'long entries are cut in the message')
})

t.test('100,000 domains load and look up quickly', async t => {
  const text = Array.from({ length: 100_000 }, (_, i) => `domain-${i}.example`).join('\n')
  const started = process.hrtime.bigint()
  const { set, errors } = domainsFromText(text)
  t.same(errors, [])
  t.equal(set.size, 100_000)
  t.equal(set.has('domain-99999.example', false), true)
  t.equal(set.has('x.y.domain-5.example', true), true)
  t.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5000, 'loads in well under 5 s')
})
