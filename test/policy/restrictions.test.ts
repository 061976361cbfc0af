import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import type { Decision } from '../../src/policy/types.js'
import { addressKey, addressesFromText, hasSubaddress, mailboxKey } from '../../src/policy/addresses.js'
import { builtinSet, describeBuiltinList, loadBuiltinList, packageDir } from '../../src/policy/builtin-lists.js'
import { parseAddress } from '../../src/policy/email.js'
import { guardOf } from '../../src/policy/rule-index.js'
import { valuesFromText } from '../../src/policy/lists.js'
import { appFor, load, loadOk, problemsOf, repoRoot, runCommand } from '../helpers.js'

const EXAMPLES = join(repoRoot, 'docs/examples/restrictions')

/** The native answer's status and deny code of a decision. */
const statusOf = (decision: Decision): number => decision.outcome === 'deny' ? decision.status : 200
const codeOf = (decision: Decision): string | undefined => decision.outcome === 'deny' ? decision.code : undefined

t.test('docs/restrictions.md examples: check, test and explain', async t => {
  const check = await runCommand(['check', join(EXAMPLES, 'auth.yaml')])
  t.equal(check.code, 0, check.stderr)
  t.match(check.stdout, /^ {2}builtin disposable: disposable-email-domains-js \d+\.\d+\.\d+, \d+ domains$/m)
  t.match(check.stdout, /^ {2}builtin freemail: free-email-domains \d+\.\d+\.\d+, \d+ domains$/m)
  const cases = await runCommand(['test', join(EXAMPLES, 'restrictions.test.yaml')])
  t.equal(cases.code, 0, cases.stdout)
  t.match(cases.stdout, /\n12 passed, 0 failed\n$/)
  t.notMatch(cases.stdout, /note:/, 'every rule matches in one case and is passed by another')
  const explained = await runCommand(['explain', '--hook', 'preSignup', join(EXAMPLES, 'auth.yaml')], JSON.stringify({ provider: 'email', data: { email: 'J.O.H.N.Doe+x@googlemail.com' } }))
  t.equal(explained.code, 0)
  t.match(explained.stdout, /✗ email address data\.email in file vips\.txt \(provider-normalised\)/)
  t.match(explained.stdout, /✗ email domain of data\.email in builtin disposable \(or a subdomain\)/)
  t.match(explained.stdout, /✓ email address data\.email has a subaddress \("\+=#"\)/)
  t.match(explained.stdout, /by rule "no-subaddresses"/)
})

t.test('each condition and list through app.inject()', async t => {
  const { readFile } = await import('node:fs/promises')
  const files: Record<string, string> = {}
  for (const name of ['vips.txt', 'blocked-addresses.txt', 'revoked-invites.txt']) files[name] = await readFile(join(EXAMPLES, name), 'utf8')
  const app = await appFor(await readFile(join(EXAMPLES, 'auth.yaml'), 'utf8'), files)
  t.teardown(() => app.close())
  const post = async (data: Record<string, unknown>, provider = 'email'): Promise<{ status: number, code?: string }> => {
    const response = await app.inject({ method: 'POST', url: '/signup-hook', payload: { provider, data } })
    return { status: response.statusCode, code: (response.json() as { code?: string }).code }
  }
  t.same(await post({ email: 'ann@company.com' }), { status: 200, code: undefined })
  t.same(await post({ email: 'ann@yopmail.com' }), { status: 403, code: 'disposable-email' })
  t.same(await post({ email: 'ann@deep.sub.yopmail.com' }), { status: 403, code: 'disposable-email' })
  t.same(await post({ email: 'ann@outlook.com' }), { status: 403, code: 'work-email-required' })
  t.same(await post({ email: 'ann=x@company.com' }), { status: 403, code: 'subaddress-email' })
  t.same(await post({ email: '"ann#x"@company.com' }), { status: 403, code: 'subaddress-email' }, 'quoting does not hide a tag')
  t.same(await post({ email: 'Mallory@Company.com' }), { status: 403, code: 'account-blocked' })
  t.same(await post({ email: 'johndoe@gmail.com' }), { status: 403, code: 'account-blocked' })
  t.same(await post({ email: 'ceo+x@gmail.com' }), { status: 200, code: undefined })
  t.same(await post({ email: 'ann@partner-mail.example' }), { status: 200, code: undefined })
  t.same(await post({ email: 'ann@company.com\u200d' }), { status: 403, code: 'disposable-email' })
  t.same(await post({ email: 'ann@p\u0430ypal.com' }), { status: 403, code: 'disposable-email' })
  t.same(await post({ inviteCode: 'OLD-2025' }, 'username'), { status: 403, code: 'invite-revoked' })
  t.same(await post({ email: 42 }), { status: 403, code: 'disposable-email' }, 'a non-string address fails closed')
})

t.test('mailbox keys', async t => {
  const key = (address: string, normalization: 'mailbox' | 'provider' = 'provider'): string | null => addressKey(address, normalization)
  t.equal(key('J.O.H.N+x@GoogleMail.com'), 'john@gmail.com')
  t.equal(key('j.o.h.n+x@gmail.com', 'mailbox'), 'j.o.h.n+x@gmail.com', 'without normalize only case and quotes change')
  t.equal(key('ann+tag+more@outlook.com'), 'ann@outlook.com')
  t.equal(key('a.n.n+tag@hotmail.com'), 'a.n.n@hotmail.com', 'Outlook keeps dots')
  t.equal(key('ann+x@icloud.com'), 'ann@icloud.com')
  t.equal(key('ann-shop-x@yahoo.com'), 'ann-shop@yahoo.com', 'Yahoo: the last -tag')
  t.equal(key('ann+x@yahoo.com'), 'ann+x@yahoo.com')
  t.equal(key('ann+x@company.com'), 'ann+x@company.com', 'unknown providers are left alone')
  t.equal(key('+x@gmail.com'), '+x@gmail.com', 'an all-tag local part keeps its tag')
  t.equal(key('"john"@gmail.com', 'mailbox'), 'john@gmail.com', 'quotes that change nothing are dropped')
  t.equal(key('"a@b"@Company.com', 'mailbox'), '"a@b"@company.com')
  t.equal(key('"a\\"b"@company.com', 'mailbox'), '"a\\"b"@company.com')
  t.equal(key('ann@company.com\u200b'), null)
  const parsed = parseAddress('ann+x@company.com')
  t.ok(parsed !== null && hasSubaddress(parsed, '+'))
  t.ok(parsed !== null && !hasSubaddress(parsed, '=#'))
  t.equal(mailboxKey({ local: 'A', quoted: false, domain: 'googlemail.com' }, 'provider'), 'a@gmail.com')
})

t.test('property: a normalised block catches generated variants and never an unrelated address', async t => {
  const rule = 'hooks:\n  preSignup:\n    rules:\n      - name: blocked\n        when:\n          emailAddress: { in: { file: blocked.txt }, normalize: provider }\n        deny: { code: blocked, message: blocked }\n'
  const { policy } = await loadOk(rule, { 'blocked.txt': 'john.doe@gmail.com\nann@outlook.com\nbob@icloud.com\ncarol@yahoo.com\n' })
  const decide = (email: string): number => statusOf(policy.hooks.get('preSignup')!.decide({ provider: 'email', data: { email } }))
  const tag = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '0', '9', '.', '_'), minLength: 0, maxLength: 6 })
  const upper = (text: string, mask: number): string => [...text].map((c, i) => ((mask >> (i % 30)) & 1) === 1 ? c.toUpperCase() : c).join('')
  const gmail = fc.tuple(fc.array(fc.nat({ max: 7 }), { maxLength: 4 }), tag, fc.boolean(), fc.boolean(), fc.nat()).map(([dots, t, plus, google, mask]) => {
    let local = 'johndoe'
    for (const at of dots) local = `${local.slice(0, at)}.${local.slice(at)}`
    return `${upper(local, mask)}${plus ? `+${t}` : ''}@${google ? 'googlemail.com' : 'Gmail.com'}`
  })
  const plusTag = fc.tuple(fc.constantFrom('ann@outlook.com', 'bob@icloud.com'), tag, fc.nat()).map(([address, t, mask]) => {
    const [local, domain] = address.split('@') as [string, string]
    return `${upper(local, mask)}+${t}@${upper(domain, mask >> 3)}`
  })
  const yahoo = tag.map(t => `carol-${t.replace(/[.]/g, '')}@yahoo.com`)
  fc.assert(fc.property(fc.oneof(gmail, plusTag, yahoo), variant => decide(variant) === 403), { numRuns: 2_000 })

  const blocked = new Set(['johndoe@gmail.com', 'ann@outlook.com', 'bob@icloud.com', 'carol@yahoo.com'])
  const unrelated = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,10}[a-z0-9]$/), fc.constantFrom('gmail.com', 'googlemail.com', 'outlook.com', 'icloud.com', 'yahoo.com', 'company.com'))
    .filter(([local, domain]) => !local.includes('..') && !blocked.has(`${local.replaceAll('.', '')}@${domain.replace('googlemail', 'gmail')}`) && !blocked.has(`${local}@${domain}`))
    .map(([local, domain]) => `${local}@${domain}`)
  fc.assert(fc.property(unrelated, address => {
    // An unrelated mailbox: not the same letters on Gmail, not the same local part elsewhere.
    const key = addressKey(address, 'provider') as string
    return blocked.has(key) || decide(address) === 200
  }), { numRuns: 2_000 })
  t.equal(decide('johndoe2@gmail.com'), 200)
  t.equal(decide('ann@outlook.de'), 200, 'another domain of the family is another mailbox')
  t.equal(decide('ann.x@outlook.com'), 200)
})

t.test('subaddress options, fields, missing and over-long values', async t => {
  const { policy } = await loadOk('limits: { fieldLength: 32 }\nhooks:\n  preSignup:\n    rules:\n      - name: tags\n        when:\n          emailSubaddress: { field: data.contact, separators: "-" }\n        deny: { code: tagged, message: tagged }\n  preLogin:\n    rules:\n      - name: not-tagged\n        when:\n          not: { emailSubaddress: true }\n        allow: true\n    default: deny\n')
  const signup = (data: Record<string, unknown>): string | undefined => codeOf(policy.hooks.get('preSignup')!.decide({ provider: 'email', data }))
  t.equal(signup({ contact: 'ann-x@company.com' }), 'tagged')
  t.equal(signup({ contact: 'ann+x@company.com' }), undefined)
  t.equal(signup({}), undefined, 'a missing field has no subaddress')
  t.equal(signup({ contact: 'not an address' }), 'tagged', 'an unparseable address fails closed')
  t.equal(signup({ contact: `${'a'.repeat(40)}@company.com` }), 'field-too-long')
  const login = (email: unknown): string => policy.hooks.get('preLogin')!.decide({ provider: 'email', data: { email } }).outcome
  t.equal(login('ann@company.com'), 'allow')
  t.equal(login('ann#x@company.com'), 'deny')
  t.equal(login('a@b@company.com'), 'deny', 'under not, an unparseable address still cannot allow')
})

t.test('address and value lists: notIn, inline entries, files and their problems', async t => {
  const { policy } = await loadOk('hooks:\n  preSignup:\n    rules:\n      - name: only-listed\n        when:\n          emailAddress: { notIn: [Ann@Company.com, "bob@company.com"] }\n        deny: { code: unlisted, message: unlisted }\n      - name: codes\n        when: { field: data.code, notIn: { file: codes.txt }, ignoreCase: true }\n        deny: { code: bad-code, message: bad }\n', { 'codes.txt': '# codes\n  Alpha  \n\nBETA\n' })
  const decide = (data: Record<string, unknown>): string | undefined => codeOf(policy.hooks.get('preSignup')!.decide({ provider: 'email', data }))
  t.equal(decide({ email: 'ann@company.com', code: 'alpha' }), undefined)
  t.equal(decide({ email: 'carol@company.com' }), 'unlisted')
  t.equal(decide({ code: 'beta' }), 'unlisted', 'a missing address is in no list, so notIn holds')
  t.equal(decide({ email: 'bob@company.com', code: 'gamma' }), 'bad-code')
  t.equal(decide({ email: 'bob@company.com', code: '# codes' }), 'bad-code', 'comments are no entries')

  t.same(await problemsOf('hooks:\n  preSignup:\n    rules:\n      - name: r\n        when:\n          emailAddress: { in: [ann@company.com, not-an-address] }\n        allow: true\n'),
    ['6:49 preSignup rule "r" when.emailAddress.in: "not-an-address" is not an email address'])
  const twice = 'hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { emailAddress: { in: { file: l.txt } } }\n        allow: true\n      - name: b\n        when: { emailAddress: { in: { file: l.txt }, normalize: provider } }\n        allow: true\n'
  const loaded = await load(twice, { 'l.txt': 'ann@company.com\n# ok\nann+x@@company.com\n' })
  t.notOk(loaded.ok)
  if (!loaded.ok) t.same(loaded.problems.map(p => `${p.file.split('/').at(-1)}:${p.line}:${p.col} ${p.message}`), ['l.txt:3:1 "ann+x@@company.com" is not an email address'], 'reported once, however many ways the file is read')
  const missing = await problemsOf('hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { emailAddress: { in: { file: nope.txt } } }\n        allow: true\n      - name: b\n        when: { field: data.x, in: { file: nope2.txt } }\n        allow: true\n')
  t.equal(missing.length, 2)
  t.match(missing[0], /^5:\d+ preSignup rule "a" when\.emailAddress\.in: cannot read list file: ENOENT/)
  t.match(missing[1], /^8:\d+ preSignup rule "b" when\.in: cannot read list file: ENOENT/)
  t.same(await problemsOf('hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { emailAddress: { in: 3 } }\n        allow: true\n      - name: b\n        when: { emailSubaddress: false }\n        allow: true\n      - name: c\n        when: { emailAddress: { field: data.email } }\n        allow: true\n'), [
    '5:37 preSignup rule "a" when.emailAddress.in: must be a list of addresses or {file: path}',
    '8:34 preSignup rule "b" when.emailSubaddress: must be true or {field, separators}',
    '11:31 preSignup rule "c" when.emailAddress: needs one list, one of "in", "notIn"'
  ])
  t.same(await problemsOf('hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { field: data.x, in: 3 }\n        allow: true\n'), ['5:36 preSignup rule "a" when.in: must be a list of values or {file: path}'])
  t.same([...valuesFromText('A\n b \n#c\n', false)], ['A', 'b'])
  t.same(addressesFromText(Array.from({ length: 30 }, () => 'x').join('\n'), 'mailbox').errors.length, 20, 'at most 20 bad entries')
})

t.test('list files and built-in data files are watched; builtins match subdomains unless told not to', async t => {
  const loaded = await loadOk('hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { emailDomain: { in: { builtin: disposable }, subdomains: false } }\n        deny: { code: d, message: d }\n      - name: b\n        when: { field: data.code, in: { file: codes.txt } }\n        deny: { code: c, message: c }\n      - name: c\n        when: { emailDomain: { notIn: { builtin: disposable } } }\n        allow: true\n    default: deny\n', { 'codes.txt': 'x\n' })
  t.ok(loaded.files.some(file => file.endsWith('disposable_email_blocklist.json')), 'npm update of the package reloads the policy')
  t.ok(loaded.files.some(file => file.endsWith('codes.txt')))
  t.equal(loaded.builtins.length, 1, 'each built-in list is loaded once per policy')
  const decide = (email: string): string => loaded.policy.hooks.get('preSignup')!.decide({ provider: 'email', data: { email } }).outcome
  t.equal(decide('a@yopmail.com'), 'deny')
  t.equal(decide('a@x.yopmail.com'), 'deny', 'rule a (subdomains: false) lets it by; rule c (subdomains left out) sees it as disposable')
  t.equal(decide('a@company.com'), 'allow')
})

t.test('built-in lists: versions, caching, refused entries, missing packages', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'auth-hooks-builtin-'))
  const write = async (version: string, entries: unknown): Promise<void> => {
    await mkdir(join(dir, 'dist/dict'), { recursive: true })
    await writeFile(join(dir, 'package.json'), JSON.stringify({ version }))
    await writeFile(join(dir, 'dist/dict/disposable_email_blocklist.json'), JSON.stringify(entries))
  }
  await write('1.0.0', ['a.example', 'not a domain', 7, 'b.example'])
  const first = await loadBuiltinList('disposable', dir)
  t.equal(first.set.size, 2)
  t.equal(first.skipped, 2)
  t.equal(describeBuiltinList(first), 'builtin disposable: disposable-email-domains-js 1.0.0, 2 domains; 2 entries skipped, not domain names ("not a domain", "7")')
  t.equal(await loadBuiltinList('disposable', dir), first, 'the same version is not read again')
  await write('1.0.1', ['c.example'])
  const second = await loadBuiltinList('disposable', dir)
  t.equal(second.version, '1.0.1')
  t.ok(second.set.has('c.example', false))
  t.throws(() => builtinSet({ not: 'a list' }), /not a JSON array/)
  await t.rejects(loadBuiltinList('freemail', join(dir, 'missing')), /ENOENT/)
  t.equal(packageDir('x', id => `/somewhere/node_modules/${id}`), '/somewhere/node_modules/x')

  // The policy version changes with the package version, and a list that cannot be loaded is a problem.
  const { createHash } = await import('node:crypto')
  const config = { caller: { none: true }, hooks: { preSignup: { rules: [{ name: 'a', when: { emailDomain: { in: { builtin: 'freemail' } } }, deny: { code: 'd', message: 'd' } }] } } }
  const problems: string[] = []
  const source = { file: join(dir, 'auth.yaml'), text: '', config, problems: [], problemAt: (path: Array<string | number>, message: string) => { problems.push(`${path.join('.')}: ${message}`) } }
  const digests: string[] = []
  for (const version of ['1.0.0', '2.0.0']) {
    const { PolicyLists } = await t.mockImport<typeof import('../../src/policy/lists.js')>('../../src/policy/lists.js', {
      '../../src/policy/builtin-lists.js': { loadBuiltinList: async (name: string) => ({ ...second, name, package: 'free-email-domains', version }) }
    })
    const hash = createHash('sha256')
    const lists = await PolicyLists.read(source as never, hash)
    t.equal(lists.builtins[0]?.version, version)
    digests.push(hash.digest('hex'))
  }
  t.not(digests[0], digests[1], 'a new package version is a new policy version')
  const { PolicyLists } = await t.mockImport<typeof import('../../src/policy/lists.js')>('../../src/policy/lists.js', {
    '../../src/policy/builtin-lists.js': { loadBuiltinList: async () => { throw new Error('Cannot find module free-email-domains') } }
  })
  const lists = await PolicyLists.read(source as never, createHash('sha256'))
  t.same(problems, ['hooks.preSignup.rules.0.when.emailDomain.in: cannot load builtin list "freemail": Cannot find module free-email-domains'])
  t.equal(lists.domainList({ builtin: 'freemail' }, []), null, 'the rule compiles to no list, and the load fails on the problem')
})

t.test('rule index: address conditions are never guards and may throw; value list files are not indexed', async t => {
  t.equal(guardOf({ field: 'data.code', in: { file: 'x.txt' } }), null)
  t.equal(guardOf({ emailSubaddress: true }), null)
  t.equal(guardOf({ emailAddress: { in: ['a@b.com'] } }), null)
  t.equal(guardOf({ all: [{ emailSubaddress: true }, { provider: 'email' }] }), null, 'a guard after a condition that may throw is not used')
  t.equal(guardOf({ all: [{ emailAddress: { in: ['a@b.com'] } }, { provider: 'email' }] }), null)
})

t.test('trace labels and the remaining edges of address conditions', async t => {
  const config = 'hooks:\n  preSignup:\n    rules:\n      - name: a\n        when:\n          all:\n            - emailAddress: { notIn: [ann@company.com] }\n            - emailSubaddress: { separators: "%" }\n            - field: data.code\n              in: { file: codes.txt }\n            - emailDomain: { in: { file: d.txt }, subdomains: true }\n            - emailDomain: { notIn: { builtin: disposable }, field: data.email }\n        deny: { code: d, message: d }\n'
  const path = (await import('../helpers.js')).writeConfig
  const file = await path(config, { 'codes.txt': 'x\n', 'd.txt': 'company.com\n' })
  const explained = await runCommand(['explain', '--hook', 'preSignup', file], JSON.stringify({ provider: 'email', data: { email: `${'a'.repeat(250)}@company.com`, code: 'x' } }))
  t.match(explained.stdout, /email address data\.email not in \["ann@company\.com"\]/)
  t.match(explained.stdout, /email address data\.email has a subaddress \("%"\)/)
  t.match(explained.stdout, /data\.code in file codes\.txt/)
  t.match(explained.stdout, /email domain of data\.email in file d\.txt \(or a subdomain\)/)
  t.match(explained.stdout, /email domain of data\.email not in builtin disposable \(or a subdomain\)/)
  t.match(explained.stdout, /decision: deny 403 d/, 'an address longer than 254 characters does not parse and fails closed')
  t.equal(addressesFromText('a@b.com\nA@B.com\n', 'mailbox').set.size, 1)
})

t.test('every example in docs/restrictions.md loads, with the example list files', async t => {
  const { readFile } = await import('node:fs/promises')
  const { parse } = await import('yaml')
  const text = await readFile(join(repoRoot, 'docs/restrictions.md'), 'utf8')
  const blocks = [...text.matchAll(/```yaml\n([^]*?)```/g)].map(match => match[1] as string)
  t.equal(blocks.length, 5)
  const files: Record<string, string> = {}
  for (const name of ['vips.txt', 'blocked-addresses.txt', 'revoked-invites.txt']) files[name] = await readFile(join(EXAMPLES, name), 'utf8')
  const example = parse(await readFile(join(EXAMPLES, 'auth.yaml'), 'utf8')) as { hooks: { preSignup: { rules: Array<{ name: string }> } } }
  for (const block of blocks) {
    const rules = parse(block) as Array<{ name: string }>
    await loadOk(`hooks:\n  preSignup:\n    rules: ${JSON.stringify(rules)}\n`, files)
    for (const rule of rules) {
      t.same(rule, example.hooks.preSignup.rules.find(r => r.name === rule.name), `${rule.name} is the tested example's rule`)
    }
  }
})
