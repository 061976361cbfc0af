import t from 'tap'
import { RequestError } from '../../src/http/errors.js'
import { checkRedirect, OriginAllowlist, safeRedirect } from '../../src/http/redirects.js'
import { OPEN_REDIRECT_CORPUS, SAFE_REDIRECTS } from './open-redirects.js'

const allowlist = new OriginAllowlist(['https://app.example.com', 'http://localhost:8080'])

t.test('every URL of the open-redirect corpus is refused', async t => {
  for (const raw of OPEN_REDIRECT_CORPUS) {
    const check = checkRedirect(raw, allowlist)
    t.equal(check.ok, false, `refuses ${JSON.stringify(raw)}`)
  }
})

t.test('relative paths and allowlisted origins pass unchanged', async t => {
  for (const raw of SAFE_REDIRECTS) {
    t.same(checkRedirect(raw, allowlist), { ok: true, url: raw }, `accepts ${raw}`)
  }
})

t.test('each refusal says why', async t => {
  const reason = (raw: string): string => {
    const check = checkRedirect(raw, allowlist)
    return check.ok ? 'accepted' : check.reason
  }
  t.equal(reason(''), 'is empty')
  t.match(reason(`/${'a'.repeat(2048)}`), /longer than 2048/)
  t.match(reason('/a b'), /spaces, control/)
  t.match(reason('/a\\b'), /backslash/)
  t.match(reason('//evil.com'), /protocol-relative/)
  t.match(reason('/%2f%2fevil.com'), /encoded slash/)
  t.equal(reason('/%09/evil.com'), 'is protocol-relative (//host) when percent-decoded')
  t.equal(reason('/%09%5Cevil.com'), 'is protocol-relative (/\\host) when percent-decoded')
  t.equal(reason('/%252F%252Fevil.com'), 'starts with an encoded slash when percent-decoded')
  t.match(reason('javascript:alert(1)'), /javascript: scheme/)
  t.match(reason('https://app.example.com@evil.com/'), /user info/)
  t.match(reason('HTTPS://app.example.com/'), /canonical/)
  t.match(reason('https://evil.com/'), /https:\/\/evil.com, which is not an allowed origin/)
  t.match(reason('billing'), /neither a path nor a URL/)
})

t.test('safeRedirect throws a 400 unsafe-redirect RequestError naming the field', async t => {
  t.equal(safeRedirect('/ok', allowlist), '/ok')
  const error = t.throws(() => safeRedirect('//evil.com', allowlist, 'portalUrl')) as RequestError
  t.ok(error instanceof RequestError)
  t.equal(error.statusCode, 400)
  t.equal(error.code, 'unsafe-redirect')
  t.equal(error.message, 'portalUrl is protocol-relative (//host)')
})

t.test('allowlists normalise origins and can be extended', async t => {
  const list = new OriginAllowlist(['https://App.Example.com:443'])
  t.ok(list.has('https://app.example.com'))
  t.notOk(list.has('https://portal.example.com'))
  const extended = list.with(['https://portal.example.com'])
  t.ok(extended.has('https://portal.example.com'))
  t.ok(extended.has('https://app.example.com'))
  t.notOk(new OriginAllowlist().has('https://app.example.com'))
})
