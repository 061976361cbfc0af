import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'

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

export function loggerOptions (level = process.env.LOG_LEVEL ?? 'info'): NonNullable<FastifyServerOptions['logger']> {
  return { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
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
