import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import t from 'tap'
import { appFromText, LogCapture } from '../helpers/apps.js'

// Distinctive values: if any of them shows up in a log line, something leaked.
const SECRETS = {
  password: 'pw-3f9a1c77e2b04d1e',
  token: 'tok-8be2d0c4a1f94c0b',
  secret: 'sec-51c0e7d9b2a84f6d',
  authorization: 'authz-9d3e6b1f0a2c47e8',
  nested: 'nested-4a7c2e9f1b3d5608'
}

t.test('no secret from a body, a header or the config reaches any log line', async t => {
  const signing = `whsec_${randomBytes(32).toString('base64')}`
  const bearer = 'bearer-c2f81e0d7b6a4935'
  const logs = new LogCapture()
  const yaml = `
caller: { standardWebhooks: { secrets: ["\${SIGNING}"] } }
hooks:
  preSignup:
    rules:
      - name: throws-on-long-regex-input
        when: { field: data.username, matches: '^[a-z]+$' }
        deny: { code: nope, message: nope }
`
  const app = await appFromText(yaml, { env: { SIGNING: signing }, logs, level: 'trace', store: {} })
  t.teardown(() => app.close())
  const bodies = [
    { provider: 'username', data: { username: 'alice', password: SECRETS.password, token: SECRETS.token } },
    { provider: 'email', data: { secret: SECRETS.secret, authorization: SECRETS.authorization, profile: { password: SECRETS.nested } } },
    { provider: 'username', data: { username: 'x'.repeat(2000), password: SECRETS.password } },
    { provider: 'username', password: SECRETS.password }
  ]
  const webhook = new Webhook(signing)
  const signatures: string[] = []
  for (const [index, body] of bodies.entries()) {
    const payload = JSON.stringify(body)
    const id = `msg_${index}`
    const signature = webhook.sign(id, new Date(), payload)
    signatures.push(signature.slice(3))
    const timestamp = String(Math.floor(Date.now() / 1000))
    const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature, authorization: `Bearer ${bearer}`, cookie: `session=${SECRETS.token}` }
    await app.inject({ method: 'POST', url: '/signup-hook', headers, payload })
    await app.inject({ method: 'POST', url: '/signup-hook', headers, payload }) // replay
    await app.inject({ method: 'POST', url: '/signup-hook', headers: { ...headers, 'webhook-signature': `v1,${SECRETS.secret}` }, payload }) // bad signature
    await app.inject({ method: 'POST', url: '/signup-hook', headers: { ...headers, 'content-type': 'text/plain' }, payload })
    await app.inject({ method: 'POST', url: '/signup-hook', headers, payload: `${payload.slice(0, -1)},` })
  }
  t.ok(logs.lines.length >= 10, `${logs.lines.length} log lines captured`)
  t.ok(logs.records.some(record => record.msg === 'decision'), 'signed requests were decided (and logged)')
  t.ok(logs.records.some(record => record.msg === 'caller refused'))
  const forbidden = [...Object.values(SECRETS), signing, signing.slice('whsec_'.length), bearer, ...signatures]
  for (const line of logs.lines) {
    for (const secret of forbidden) t.notOk(line.includes(secret), `no ${secret.slice(0, 8)}… in ${line.slice(0, 80)}`)
  }
})
