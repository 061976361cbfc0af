import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance, FastifyLoggerOptions, FastifyServerOptions } from 'fastify'
import { buildApp } from '../../src/app.js'
import { formatProblem } from '../../src/config/load.js'
import { loadPolicy, type LoadResult } from '../../src/policy/load.js'
import { loggerOptions } from '../../src/observability/logger.js'

export const SHIPPED_CONFIG = new URL('../../conf/auth.yaml', import.meta.url).pathname

/** Loads a config written to a fresh temp folder (with optional list files beside it). */
export async function loadText (yaml: string, env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'auth-hooks-security-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  const file = join(dir, 'auth.yaml')
  await writeFile(file, yaml)
  return await loadPolicy(file, env)
}

export async function loaded (result: Promise<LoadResult>): Promise<Extract<LoadResult, { ok: true }>> {
  const outcome = await result
  if (!outcome.ok) throw new Error(outcome.problems.map(formatProblem).join('\n'))
  return outcome
}

/** Every log line the app writes, as raw text and parsed. */
export class LogCapture extends Writable {
  readonly lines: string[] = []
  override _write (chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(line => line !== ''))
    callback()
  }

  get records (): Array<Record<string, unknown>> {
    return this.lines.map(line => JSON.parse(line) as Record<string, unknown>)
  }
}

/** Builds the real app from config text; logs go to `logs` (at `level`) when given, else nowhere. */
export async function appFromText (yaml: string, options: { env?: NodeJS.ProcessEnv, logs?: LogCapture, level?: string, files?: Record<string, string> } = {}): Promise<FastifyInstance> {
  const { policy, config } = await loaded(loadText(yaml, options.env, options.files))
  return await buildApp({ policy, config, logger: captureLogger(options.logs, options.level) })
}

export async function shippedApp (logs?: LogCapture): Promise<FastifyInstance> {
  const { policy, config } = await loaded(loadPolicy(SHIPPED_CONFIG, {}))
  return await buildApp({ policy, config, logger: captureLogger(logs) })
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
