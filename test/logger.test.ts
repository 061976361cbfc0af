import t from 'tap'
import { loggerOptions, REDACTED_PATHS } from '../src/logger.js'

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
