import { mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { BatchedDestination, decisionWriter, directStream, lazyRequestLogger, loggerOptions, REDACTED_PATHS } from '../../src/observability/logger.js'
import { appFor, LogCapture, loadOk, repoRoot, spawnLogged } from '../helpers.js'

t.test('logger options: level from the argument or LOG_LEVEL, redaction always on', async t => {
  t.same(loggerOptions('warn'), { level: 'warn', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } })
  const saved = process.env.LOG_LEVEL
  t.teardown(() => { if (saved === undefined) delete process.env.LOG_LEVEL; else process.env.LOG_LEVEL = saved })
  delete process.env.LOG_LEVEL
  t.equal(loggerOptions().level, 'info')
  process.env.LOG_LEVEL = 'debug'
  t.equal(loggerOptions().level, 'debug')
  t.ok(REDACTED_PATHS.includes('req.headers.authorization') && REDACTED_PATHS.includes('*.password'))
})

t.test('decision records: pino lines written whole, without the redaction pass, and the parent keeps it', async t => {
  const written: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString('utf8'))
      callback()
    }
  })
  const log = pino(loggerOptions('info'), stream)
  const record = { reqId: 'req-1', hook: 'preSignup', dialect: 'native', provider: 'e"mail\n', outcome: 'allow' as const, rule: null, status: 200, policy: 'abc', ms: 0.1 }
  const before = Date.now()
  decisionWriter(log)(record)
  log.info({ secret: { token: 't' } }, 'after')
  t.equal(written.length, 2, 'one line each')
  t.ok(written[0]!.endsWith('}\n') && !written[0]!.slice(0, -1).includes('\n'), 'one JSON line, the newline in provider escaped')
  const line = JSON.parse(written[0]!) as Record<string, unknown>
  t.same(Object.keys(line), ['level', 'time', 'pid', 'hostname', 'reqId', 'hook', 'dialect', 'provider', 'outcome', 'rule', 'status', 'policy', 'ms', 'msg'], "pino's own field order")
  t.match(line, { level: 30, pid: process.pid, ...record, msg: 'decision' })
  t.ok((line.time as number) >= before && (line.time as number) <= Date.now())
  t.same(Object.keys(JSON.parse(written[1]!) as object), ['level', 'time', 'pid', 'hostname', 'secret', 'msg'], 'the same shape as pino writes')
  t.same((JSON.parse(written[1]!) as { secret: unknown }).secret, { token: '[redacted]' }, 'the service logger still redacts')

  decisionWriter(pino(loggerOptions('warn'), stream))(record)
  t.equal(written.length, 2, 'nothing below the level')
  const multi = pino(loggerOptions('info'), pino.multistream([{ stream }]))
  decisionWriter(multi)(record)
  t.match(JSON.parse(written[2]!), { ...record, msg: 'decision' }, 'a stream that needs pino metadata gets the line through pino')
  const calls: unknown[][] = []
  const other = { info: (...args: unknown[]) => { calls.push(args) } } as unknown as Parameters<typeof decisionWriter>[0]
  decisionWriter(other)(record)
  t.same(calls, [[record, 'decision']], 'any other logger gets info(record, "decision")')
})

t.test('request loggers: a pino child only once something logs through one, bound to its reqId', async t => {
  const logs = new LogCapture()
  let children = 0
  logs.logger.onChild = () => { children++ }
  const app = await appFor('hooks:\n  preSignup:\n    rules: []\n', {}, logs)
  t.teardown(() => app.close())
  await app.ready()
  children = 0 // building the app made its own (plugin and decision loggers)
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/signup-hook', payload: { provider: 'email', data: {} } })
  t.equal(children, 0, 'five hook calls, no request child built')
  t.equal(logs.records.filter(record => record.msg === 'decision').length, 5, 'each still wrote its decision record')

  const log = lazyRequestLogger(logs.logger, { reqId: 'req-9' }, {})
  t.equal(log.level, 'trace', "the parent's level until a child exists")
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
  for (const level of levels) log[level](`via ${level}`)
  log.silent('never written')
  t.equal(children, 1, 'the first line built the child, later lines reuse it')
  const written = logs.records.filter(record => record.reqId === 'req-9')
  t.same(written.map(record => record.msg), levels.map(level => `via ${level}`))
  log.level = 'warn'
  log.info('below the new level')
  t.equal(log.level, 'warn')
  t.equal(logs.records.filter(record => record.reqId === 'req-9').length, levels.length, 'a level set on it applies to it')
  log.child({ step: 'x' }).warn('nested')
  t.match(logs.records.at(-1), { reqId: 'req-9', step: 'x', msg: 'nested' })
  t.equal(lazyRequestLogger(logs.logger, { reqId: 'r' }, { level: 'error' }).level, 'error', 'a route logLevel shows before any line')
})

/** A BatchedDestination on a fresh file, and what that file holds. */
function destinationOnFile (t: Test): { destination: BatchedDestination, written: () => string } {
  const file = join(mkdtempSync(join(tmpdir(), 'auth-hooks-log-')), 'out.log')
  const fd = openSync(file, 'w')
  const destination = new BatchedDestination(fd)
  t.teardown(() => { destination.flush() })
  return { destination, written: () => readFileSync(file, 'utf8') }
}

const settle = async (ms = 50): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const lineOf = (n: number): string => `{"msg":"line ${n}"}\n`

t.test('the serve destination holds lines under 4 KiB until flushed, then writes them in order', async t => {
  const { destination, written } = destinationOnFile(t)
  destination.write(lineOf(1))
  destination.write(lineOf(2))
  await settle()
  t.equal(written(), '', 'held')
  await new Promise<void>((resolve, reject) => { destination.flush(error => { if (error) reject(error); else resolve() }) })
  t.equal(written(), lineOf(1) + lineOf(2))
})

t.test('the serve destination writes each 4 KiB at once, and what is left within 250 ms', async t => {
  const { destination, written } = destinationOnFile(t)
  const lines = Array.from({ length: 300 }, (_, n) => lineOf(n))
  for (const line of lines) destination.write(line)
  await settle()
  const early = written()
  t.ok(early.length >= 4096 && early.length < lines.join('').length, `whole batches written at once (${early.length} bytes)`)
  t.ok(lines.join('').startsWith(early), 'in order')
  await settle(400)
  t.equal(written(), lines.join(''), 'the rest within 250 ms')
})

t.test('the serve destination writes what it holds when the process exits, by process.exit() or on its own', async t => {
  const module = new URL('../../src/observability/logger.ts', import.meta.url).href
  for (const ending of ['process.exit(0)', '']) {
    const script = `import { logDestination } from '${module}'; const logs = logDestination(); logs.write('{"msg":"a"}\\n'); logs.write('{"msg":"b"}\\n'); ${ending}`
    const run = spawnLogged(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], { cwd: repoRoot })
    t.equal(await run.exit, 0, ending || 'natural exit')
    t.same(run.stdout, ['{"msg":"a"}', '{"msg":"b"}'], `${ending || 'natural exit'}: both lines, in order`)
  }
})

t.test('the app logger is the pino copy decision records are written through directly', async t => {
  // Fails when our pino and Fastify's differ (their internal symbols then differ, and every
  // decision record would silently take pino's slower generic path).
  const app = await buildApp({ ...(await loadOk('hooks:\n  preSignup: { rules: [] }\n')), logger: { level: 'info', stream: new Writable({ write: (_chunk, _encoding, callback) => callback() }) } })
  t.teardown(() => app.close())
  t.not(directStream(app.log), null, 'Fastify logs through our pino: the direct path is on')
})
