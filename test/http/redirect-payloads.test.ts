// checkRedirect against a large public open-redirect payload list (PayloadsAllTheThings, MIT; see
// test/http/payloads/README.md), not only our own corpus.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { checkRedirect, OriginAllowlist } from '../../src/http/redirects.js'

const ALLOWED = ['https://www.whitelisteddomain.tld', 'https://app.example.com']
const allowlist = new OriginAllowlist(ALLOWED)
const files = ['Open-Redirect-payloads.txt', 'open_redirect_wordlist.txt', 'openredirects.txt']
const payloads = [...new Set(files.flatMap(file => readFileSync(new URL(`payloads/${file}`, import.meta.url), 'utf8').split('\n')).filter(line => line !== ''))]

const decode = (text: string): string => text.replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)))

/**
 * Every way something after us might read an accepted target: as sent, percent-decoded once or
 * twice, with what WHATWG URL parsers drop (tabs, newlines) and what lenient ones trim or ignore
 * (spaces, controls) removed, and with backslashes read as slashes.
 */
// eslint-disable-next-line no-control-regex -- what parsers drop is control characters
const DROPPED = /[\x00-\x20\x7f]/g

function readings (target: string): string[] {
  const once = decode(target)
  const twice = decode(once)
  return [target, once, twice].flatMap(text => [text, text.replace(DROPPED, ''), text.replace(DROPPED, '').replaceAll('\\', '/')])
}

t.test('the public payload list is large and loaded whole', async t => {
  t.ok(payloads.length >= 300, `${payloads.length} distinct payloads`)
})

t.test('no payload checkRedirect accepts can lead off the allowed origins, however it is read', async t => {
  const base = 'https://app.example.com/account/page'
  let accepted = 0
  for (const payload of payloads) {
    const check = checkRedirect(payload, allowlist)
    if (!check.ok) continue
    accepted++
    for (const reading of readings(check.url)) {
      let origin: string
      try { origin = new URL(reading, base).origin } catch { continue }
      t.ok(ALLOWED.includes(origin), `${JSON.stringify(payload)} read as ${JSON.stringify(reading)} stays on ${origin}`)
    }
  }
  t.comment(`${accepted} of ${payloads.length} payloads accepted (each stays on an allowed origin)`)
})

t.test('the list\'s encoded-tab payloads, accepted before issue 16, are refused', async t => {
  for (const payload of ['/%09/google.com', '/%09/www.whitelisteddomain.tld@google.com']) {
    t.ok(payloads.includes(payload), `${payload} is in the list`)
    t.match(checkRedirect(payload, allowlist), { ok: false, reason: 'is protocol-relative (//host) when percent-decoded' })
  }
})
