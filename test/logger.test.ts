import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { decisionLogger, loggerOptions, REDACTED_PATHS } from '../src/logger.js'

function capture (): { lines: Array<Record<string, unknown>>, stream: Writable } {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      callback()
    }
  })
  return { lines, stream }
}

t.test('logger options: level from the argument or LOG_LEVEL, secrets redacted', async t => {
  t.match(loggerOptions('debug'), { level: 'debug' })
  t.match(loggerOptions(), { level: process.env.LOG_LEVEL ?? 'info' })
  const { lines, stream } = capture()
  const log = pino(loggerOptions('info') as pino.LoggerOptions, stream)
  log.info({ data: { password: 'hunter2' }, req: { headers: { authorization: 'Bearer x' } } }, 'other')
  t.same(lines[0]?.data, { password: '[redacted]' })
  t.same(lines[0]?.req, { headers: { authorization: '[redacted]' } })
})

t.test('decision records are written whole, without the redaction pass, and the parent keeps it', async t => {
  const { lines, stream } = capture()
  const log = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream)
  const decisions = decisionLogger(log)
  decisions.info({ reqId: 'req-1', hook: 'preSignup', provider: 'email', outcome: 'allow', rule: null, status: 200, policy: 'abc', ms: 0.1 }, 'decision')
  log.info({ secret: { token: 't' } }, 'after')
  t.match(lines[0], { msg: 'decision', reqId: 'req-1', hook: 'preSignup', provider: 'email', outcome: 'allow', rule: null, status: 200, policy: 'abc' })
  t.same(lines[1]?.secret, { token: '[redacted]' }, 'the service logger still redacts')
})
