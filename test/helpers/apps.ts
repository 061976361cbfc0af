import type { FastifyInstance, FastifyLoggerOptions, FastifyServerOptions } from 'fastify'
import { buildApp } from '../../src/app.js'
import { formatProblem } from '../../src/config/load.js'
import { loadPolicy, type LoadResult } from '../../src/policy/load.js'
import { loggerOptions } from '../../src/observability/logger.js'
import type { StoreOptions } from '../../src/store/index.js'
import { LogCapture, writeConfig } from '../helpers.js'

export { LogCapture, SHIPPED_CONFIG, shippedApp } from '../helpers.js'

/** Loads a config exactly as written (no caller added) from a fresh temp folder, list files beside it. */
export async function loadText (yaml: string, env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<LoadResult> {
  return await loadPolicy(await writeConfig(yaml, files, { addCaller: false }), env)
}

export async function loaded (result: Promise<LoadResult>): Promise<Extract<LoadResult, { ok: true }>> {
  const outcome = await result
  if (!outcome.ok) throw new Error(outcome.problems.map(formatProblem).join('\n'))
  return outcome
}

/**
 * Builds the real app from config text; logs go to `logs` (at `level`) when given, else nowhere.
 * `store` replaces what DATABASE_URL and the store section select (`{}`: no PostgreSQL).
 */
export async function appFromText (yaml: string, options: { env?: NodeJS.ProcessEnv, logs?: LogCapture, level?: string, files?: Record<string, string>, store?: StoreOptions } = {}): Promise<FastifyInstance> {
  const { policy, config } = await loaded(loadText(yaml, options.env, options.files))
  return await buildApp({ policy, config, logger: captureLogger(options.logs, options.level), ...(options.store === undefined ? {} : { store: options.store }) })
}

/** The app's real logger options (redaction included), writing to `logs`; no logging without it. */
export function captureLogger (logs: LogCapture | undefined, level = 'trace'): FastifyServerOptions['logger'] {
  if (logs === undefined) return false
  return { ...(loggerOptions(level) as FastifyLoggerOptions), stream: logs }
}

export const signupHook = (caller: string, extra = ''): string => `
caller:
${caller}
${extra}
hooks:
  preSignup:
    rules:
      - name: no-evil
        when: { field: data.username, equals: evil }
        deny: { code: evil, message: no evil }
`
