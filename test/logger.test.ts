import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { decisionLogger, loggerOptions, REDACTED_PATHS } from '../src/logger.js'

t.test('logger options: level from the argument or LOG_LEVEL, redaction always on', async t => {
  t.same(loggerOptions('warn'), { level: 'warn', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } })
  const saved = process.env.LOG_LEVEL
  t.teardown(() => { if (saved === undefined) delete process.env.LOG_LEVEL; else process.env.LOG_LEVEL = saved })
  delete process.env.LOG_LEVEL
  t.equal((loggerOptions() as { level: string }).level, 'info')
  process.env.LOG_LEVEL = 'debug'
  t.equal((loggerOptions() as { level: string }).level, 'debug')
  t.ok(REDACTED_PATHS.includes('req.headers.authorization') && REDACTED_PATHS.includes('*.password'))
})

t.test('decision records are written whole, without the redaction pass, and the parent keeps it', async t => {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      callback()
    }
  })
  const log = pino(loggerOptions('info') as pino.LoggerOptions, stream)
  const decisions = decisionLogger(log)
  decisions.info({ reqId: 'req-1', hook: 'preSignup', provider: 'email', outcome: 'allow', rule: null, status: 200, policy: 'abc', ms: 0.1 }, 'decision')
  log.info({ secret: { token: 't' } }, 'after')
  t.match(lines[0], { msg: 'decision', reqId: 'req-1', hook: 'preSignup', provider: 'email', outcome: 'allow', rule: null, status: 200, policy: 'abc' })
  t.same(lines[1]?.secret, { token: '[redacted]' }, 'the service logger still redacts')
})
