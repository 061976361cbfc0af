/* eslint-disable no-template-curly-in-string -- ${VAR} is the config syntax under test */
import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import t from 'tap'
import { formatProblem } from '../../src/config/load.js'
import { compileCaller, v1Signatures } from '../../src/hooks/caller.js'
import { ReplayCache } from '../../src/hooks/replay-cache.js'
import { appFromText, loadText, LogCapture, signupHook } from '../helpers/apps.js'

const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`
const now = (): number => Math.floor(Date.now() / 1000)

interface Signed { headers: Record<string, string>, payload: string }

/** A request signed by the reference `standardwebhooks` package. */
function sign (secret: string, body: unknown, options: { id?: string, timestamp?: number } = {}): Signed {
  const payload = JSON.stringify(body)
  const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`
  const timestamp = options.timestamp ?? now()
  const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), payload)
  return {
    payload,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }
  }
}

const allowBody = { provider: 'username', data: { username: 'alice' } }
const evilBody = { provider: 'username', data: { username: 'evil' } }

function webhooksCaller (secrets: string[], extra = ''): string {
  return `  standardWebhooks:\n    secrets: [${secrets.map(secret => `'${secret}'`).join(', ')}]\n${extra}`
}

t.test('Standard Webhooks signatures made by the reference package', async t => {
  const current = newSecret()
  const previous = newSecret()
  const logs = new LogCapture()
  const app = await appFromText(signupHook(webhooksCaller(['${HOOK_SECRET}', `v1,${previous}`])), { env: { HOOK_SECRET: current }, logs, store: {} })
  t.teardown(() => app.close())
  const post = async (signed: Signed): Promise<{ status: number, body: Record<string, unknown>, headers: Record<string, unknown> }> => {
    const res = await app.inject({ method: 'POST', url: '/signup-hook', headers: signed.headers, payload: signed.payload })
    return { status: res.statusCode, body: res.json(), headers: res.headers }
  }
  const decisions = (): number => logs.records.filter(record => record.msg === 'decision').length

  t.test('valid signature: the rules decide', async t => {
    t.same((await post(sign(current, allowBody))).body, { roles: [] })
    const denied = await post(sign(current, evilBody))
    t.equal(denied.status, 403)
    t.equal(denied.body.code, 'evil')
  })

  t.test('a secret written as v1,whsec_... (rotation: the previous secret still works)', async t => {
    t.equal((await post(sign(previous, allowBody))).status, 200)
  })

  t.test('refusals never reach the rule engine', async t => {
    const before = decisions()
    const cases: Array<[string, Signed, RegExp]> = [
      ['tampered body', { ...sign(current, allowBody), payload: JSON.stringify(evilBody) }, /does not match/],
      ['wrong secret', sign(newSecret(), evilBody), /does not match/],
      ['timestamp too old', sign(current, evilBody, { timestamp: now() - 400 }), /too old/],
      ['timestamp in the future', sign(current, evilBody, { timestamp: now() + 400 }), /future/],
      ['timestamp not a number', { ...sign(current, evilBody), headers: { ...sign(current, evilBody).headers, 'webhook-timestamp': '12e9' } }, /unix seconds/],
      ['id too long', sign(current, evilBody, { id: 'x'.repeat(257) }), /webhook-id/],
      ['signature header too long', { ...sign(current, evilBody), headers: { ...sign(current, evilBody).headers, 'webhook-signature': `v1,${'A'.repeat(5000)}` } }, /too long/],
      ['no v1 signature', { ...sign(current, evilBody), headers: { ...sign(current, evilBody).headers, 'webhook-signature': 'v2,abc' } }, /no v1/]
    ]
    for (const [name, signed, message] of cases) {
      const res = await post(signed)
      t.equal(res.status, 401, name)
      t.equal(res.body.code, 'unauthorized', name)
      t.match(res.body.message, message, name)
      t.notOk(res.headers['www-authenticate'], name)
    }
    const missing = await app.inject({ method: 'POST', url: '/signup-hook', payload: evilBody })
    t.equal(missing.statusCode, 401)
    t.match(missing.json().message, /headers are required/)
    t.equal(decisions(), before, 'no decision was made for a refused caller')
  })

  t.test('a replayed webhook-id is refused inside the window', async t => {
    const signed = sign(current, allowBody)
    t.equal((await post(signed)).status, 200)
    const replay = await post(signed)
    t.equal(replay.status, 401)
    t.match(replay.body.message, /already used/)
    // The same id re-signed over another body is still a replay.
    t.equal((await post(sign(current, allowBody, { id: signed.headers['webhook-id'] as string }))).status, 401)
  })

  t.test('several signatures, space or ", " separated, any one valid', async t => {
    const good = sign(current, allowBody)
    const bad = sign(newSecret(), allowBody, { id: good.headers['webhook-id'] as string, timestamp: Number(good.headers['webhook-timestamp']) })
    const spaced = { ...good, headers: { ...good.headers, 'webhook-signature': `${bad.headers['webhook-signature'] as string} v2,xyz ${good.headers['webhook-signature'] as string}` } }
    t.equal((await post(spaced)).status, 200)
    const supabase = sign(current, allowBody)
    const other = sign(newSecret(), allowBody, { id: supabase.headers['webhook-id'] as string, timestamp: Number(supabase.headers['webhook-timestamp']) })
    const commaSpaced = { ...supabase, headers: { ...supabase.headers, 'webhook-signature': `${other.headers['webhook-signature'] as string}, ${supabase.headers['webhook-signature'] as string}` } }
    t.equal((await post(commaSpaced)).status, 200)
  })

  t.test('an empty signed body passes the caller check and fails validation', async t => {
    const id = 'msg_empty'
    const timestamp = now()
    const signature = new Webhook(current).sign(id, new Date(timestamp * 1000), '')
    const res = await app.inject({ method: 'POST', url: '/signup-hook', headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } })
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'invalid-request')
  })
})

t.test('toleranceSeconds and replayCacheSize are honoured', async t => {
  const secret = newSecret()
  const app = await appFromText(signupHook(webhooksCaller([secret], '    toleranceSeconds: 60\n    replayCacheSize: 100')), { store: {} })
  t.teardown(() => app.close())
  const old = sign(secret, allowBody, { timestamp: now() - 120 })
  t.equal((await app.inject({ method: 'POST', url: '/signup-hook', headers: old.headers, payload: old.payload })).statusCode, 401)
  for (let i = 0; i < 150; i++) {
    const signed = sign(secret, allowBody)
    const res = await app.inject({ method: 'POST', url: '/signup-hook', headers: signed.headers, payload: signed.payload })
    t.equal(res.statusCode, 200)
  }
  const cache = app.replayStore as ReplayCache
  t.equal(cache.kind, 'memory')
  t.ok(cache.size <= 100, `the replay cache stays bounded (${cache.size})`)
})

t.test('bearer secrets', async t => {
  const app = await appFromText(signupHook('  bearer:\n    secrets: ["${NEW_SECRET}", "${OLD_SECRET}"]'), {
    env: { NEW_SECRET: 'n'.repeat(32), OLD_SECRET: 'o'.repeat(20) }
  })
  t.teardown(() => app.close())
  const post = async (authorization?: string) => await app.inject({
    method: 'POST',
    url: '/signup-hook',
    headers: authorization === undefined ? {} : { authorization },
    payload: evilBody
  })
  t.equal((await post(`Bearer ${'n'.repeat(32)}`)).statusCode, 403, 'current secret: the rules run')
  t.equal((await post(`bearer ${'o'.repeat(20)}`)).statusCode, 403, 'previous secret, scheme in any case')
  for (const header of [undefined, `Bearer ${'n'.repeat(31)}`, `Bearer ${'n'.repeat(33)}`, `Basic ${'n'.repeat(32)}`, 'Bearer ', 'Bearer', `Bearer ${'n'.repeat(5000)}`]) {
    const res = await post(header)
    t.equal(res.statusCode, 401, String(header).slice(0, 40))
    t.equal(res.json().code, 'unauthorized')
    t.equal(res.headers['www-authenticate'], 'Bearer')
  }
})

t.test('none logs a warning at start; the caller section is required and has one mode', async t => {
  const logs = new LogCapture()
  const app = await appFromText(signupHook('  none: true'), { logs })
  await app.close()
  t.ok(logs.records.some(record => record.level === 40 && /caller authentication is off/.test(String(record.msg))))

  const problems = async (yaml: string, env: NodeJS.ProcessEnv = {}): Promise<string> => {
    const result = await loadText(yaml, env)
    t.notOk(result.ok)
    return result.ok ? '' : result.problems.map(formatProblem).join('\n')
  }
  t.match(await problems('hooks:\n  preLogin:\n    rules: []\n'), /config: missing "caller"/)
  t.match(await problems(signupHook('  {}')), /caller: needs one caller mode, one of "none", "bearer", "header", "basic", "standardWebhooks"/)
  t.match(await problems(signupHook(`  none: true\n  bearer: { secrets: ['${'x'.repeat(20)}'] }`)), /caller: has more than one caller mode \("none", "bearer"\)/)
  t.match(await problems(signupHook('  none: false')), /caller.none: must be equal to constant/)
  t.match(await problems(signupHook(webhooksCaller(['whsec_tooShort']))), /caller.standardWebhooks.secrets.0: must match pattern/)
  const short = await problems(signupHook('  bearer: { secrets: ["${SHORT}"] }'), { SHORT: 'hunter2' })
  t.match(short, /caller.bearer.secrets.0: must NOT have fewer than 16 characters/)
  t.notMatch(short, /hunter2/, 'the secret is not echoed')
  t.match(await problems(signupHook('  bearer: { secrets: ["${UNSET_SECRET}"] }')), /environment variable UNSET_SECRET is not set/)
})

t.test('v1Signatures keeps at most 16 entries', async t => {
  t.equal(v1Signatures(Array.from({ length: 40 }, () => 'v1,abc').join(' ')).length, 16)
  t.same(v1Signatures('v1,a, v1,b v2,c'), ['a', 'b'])
})

t.test('the body check stands on its own (a policy may be swapped between the two checks)', async t => {
  const caller = compileCaller({ standardWebhooks: { secrets: [newSecret()] } })
  t.match(caller.checkBody({}, Buffer.from('{}'), new ReplayCache(), now()), /headers are required/)
})

t.test('end to end over a real port: the signature covers the exact bytes sent', async t => {
  const secret = newSecret()
  const app = await appFromText(signupHook(webhooksCaller([secret])), { store: {} })
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  // Key order and spacing the server would never reproduce by re-serialising: only the raw bytes verify.
  const payload = '{ "data": {"username":"evil", "note": "caf\\u00e9 ☕"},\n  "provider": "username" }'
  const id = 'msg_e2e'
  const timestamp = now()
  const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), payload)
  const send = async (body: string): Promise<Response> => await fetch(`http://127.0.0.1:${port}/signup-hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
    body
  })
  const tampered = await send(payload.replace('evil', 'good'))
  t.equal(tampered.status, 401)
  t.equal(((await tampered.json()) as { code: string }).code, 'unauthorized')
  const genuine = await send(payload)
  t.equal(genuine.status, 403, 'verified, then denied by the rule')
  t.equal(((await genuine.json()) as { code: string }).code, 'evil')
})
