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

/**
 * Where serve() logs: stdout, written in batches. A write per line (one per hook call) cost,
 * profiled under load, about as much as the line itself; lines now wait until 4 KiB have gathered
 * or 250 ms have passed, and pino writes what is left when the process exits. A SIGKILL can lose
 * those last 250 ms of lines.
 */
export function logDestination (): DestinationStream & { flush: () => void } {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 })
}

/**
 * The logger for decision records: one line per hook call, built only from fields that hold no
 * secret (reqId, hook, provider, outcome, rule, status, policy, ms). It skips the redaction pass,
 * which with wildcard paths like `*.password` walks every record and, profiled under load, cost
 * more per request than deciding the policy. Every other line still goes through redaction.
 */
export function decisionLogger (log: FastifyBaseLogger): FastifyBaseLogger {
  return log.child({}, { redact: { paths: [] } })
}

type LogArgs = Parameters<FastifyBaseLogger['info']>

/**
 * A request's logger, made into a real pino child (bound to its reqId) only when something logs
 * through it. Fastify otherwise builds that child for every request, and on the hook path nothing
 * logs through it (the decision record has its own logger): profiled under load, the child cost
 * more per request than deciding 50 rules.
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
