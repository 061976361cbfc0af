import type { FastifyBaseLogger } from 'fastify'
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type LoggerOptions } from 'pino'

/** Header and body keys whose values must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'req.headers["webhook-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization'
]

export function loggerOptions (level = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
}

/** Lines are handed on in strings of at least this many characters (or on flush, or every FLUSH_MS). */
const BATCH_CHARS = 4096
const FLUSH_MS = 250

/**
 * Where serve() logs: stdout, written off the event loop by pino's sonic-boom. Lines are gathered
 * here into 4 KiB strings first: sonic-boom measures the UTF-8 length of its whole pending string
 * on every write, which copies that concatenated string flat each time (measured: 1.8 CPU µs a
 * 250-byte line written one at a time, 0.8 µs in 4 KiB strings). Every line passes through here,
 * so their order is kept. What is left is written every 250 ms, on flush(), and when the process
 * exits; a SIGKILL can lose the last 250 ms of lines.
 */
export class BatchedDestination implements DestinationStream {
  readonly #out: DestinationStream & { flush: (callback?: (error?: Error) => void) => void }
  #pending = ''

  constructor (fd = 1) {
    // Handed 4 KiB at a time, sonic-boom writes each at once (gathering them only while a write
    // is in flight); smaller rests wait for the next flush.
    this.#out = pino.destination({ dest: fd, sync: false, minLength: BATCH_CHARS })
    setInterval(() => { this.flush() }, FLUSH_MS).unref()
    // Ahead of pino's own hooks for the destination, which then write what sonic-boom holds:
    // asynchronously before a natural exit, synchronously on process.exit().
    const handOnLeft = (): void => { this.#handOn() }
    process.prependListener('beforeExit', handOnLeft)
    process.prependListener('exit', handOnLeft)
  }

  write (line: string): void {
    this.#pending += line
    if (this.#pending.length >= BATCH_CHARS) this.#handOn()
  }

  /** Writes every line so far; `callback` once they are written. */
  flush (callback?: (error?: Error) => void): void {
    this.#handOn()
    this.#out.flush(callback)
  }

  #handOn (): void {
    if (this.#pending === '') return
    this.#out.write(this.#pending)
    this.#pending = ''
  }
}

export function logDestination (): BatchedDestination {
  return new BatchedDestination()
}

/** One hook call's decision record: fixed fields, none of them secret. */
export interface DecisionRecord {
  reqId: string
  hook: string
  /** The calling system's wire format (native, supabase-before-user-created, …). */
  dialect: string
  provider: string
  outcome: 'allow' | 'deny'
  rule: string | null
  /** The policy's status: 200 for an allow, the rule's 4xx for a deny (the dialect may answer it differently on the wire). */
  status: number
  policy: string
  ms: number
}

/**
 * Writes decision records, one pino line per hook call ({"level":30,"time":…,"pid":…,"hostname":…,
 * "reqId":…,…,"msg":"decision"}), straight to the logger's destination. The record's shape is
 * fixed and holds no secret, so JSON.stringify serialises it whole: pino's generic path (a
 * serializer and redaction look-up, key escaping and string building per key) cost, profiled
 * under load, more per request than deciding 50 rules. Any other logger gets `info(record,
 * 'decision')`; every other line still goes through pino and its redaction.
 */
export function decisionWriter (log: FastifyBaseLogger): (record: DecisionRecord) => void {
  const pinoLogger = log as unknown as pino.Logger & Record<symbol, unknown>
  const stream = directStream(log)
  if (stream === null) return record => { log.info(record, 'decision') }
  if (!pinoLogger.isLevelEnabled('info')) return () => {}
  const head = `{"level":${pinoLogger.levels.values.info as number}`
  const time = pinoLogger[pino.symbols.timeSym] as () => string
  const bindings = pinoLogger[pino.symbols.chindingsSym] as string
  return record => {
    const fields = JSON.stringify(record)
    stream.write(`${head}${time()}${bindings},${fields.slice(1, -1)},"msg":"decision"}\n`)
  }
}

/**
 * The destination decision records can be written to directly, or null when only pino's own path
 * will do. This reads pino's internal symbols (pinned version in package.json): our `pino` must be
 * the copy Fastify logs with, or its symbols differ and every record silently takes the slow path,
 * which test/observability/logger.test.ts catches. A multistream or transport needs the level pino
 * records as it writes: those get pino's path too.
 */
export function directStream (log: FastifyBaseLogger): DestinationStream | null {
  const stream = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as (DestinationStream & Record<symbol, unknown>) | undefined
  if (stream === undefined || stream[pino.symbols.needsMetadataGsym] === true) return null
  return stream
}

type LogArgs = Parameters<FastifyBaseLogger['info']>

/**
 * A request's logger, made into a real pino child (bound to its reqId) only when something logs
 * through it. Fastify otherwise builds that child for every request, and on the hook path nothing
 * logs through it (the decision record goes straight to the destination): profiled under load,
 * the child cost more per request than deciding 50 rules.
 */
class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions
  #child: FastifyBaseLogger | undefined

  constructor (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #logger (): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  get level (): string { return this.#child?.level ?? this.#options.level ?? this.#parent.level }
  set level (level: string) { this.#logger().level = level }
  fatal (...args: LogArgs): void { this.#logger().fatal(...args) }
  error (...args: LogArgs): void { this.#logger().error(...args) }
  warn (...args: LogArgs): void { this.#logger().warn(...args) }
  info (...args: LogArgs): void { this.#logger().info(...args) }
  debug (...args: LogArgs): void { this.#logger().debug(...args) }
  trace (...args: LogArgs): void { this.#logger().trace(...args) }
  silent (...args: LogArgs): void { this.#logger().silent(...args) }
  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger { return this.#logger().child(bindings, options) }
}

/** Fastify's childLoggerFactory: request loggers that cost nothing until used. */
export function lazyRequestLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options)
}
