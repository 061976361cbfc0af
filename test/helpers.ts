import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadPolicy, formatProblem, type LoadResult } from '../src/config/load.js'
import { REDACTED_PATHS } from '../src/logger.js'

export const repoRoot = new URL('../', import.meta.url).pathname

/** Writes a config (and any list files beside it) into a fresh temp folder; returns the config path. */
export async function writeConfig (yaml: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'auth-hooks-test-'))
  const file = join(dir, 'auth.yaml')
  await writeFile(file, yaml)
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), text)
  }
  return file
}

export async function load (yaml: string, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<LoadResult> {
  return await loadPolicy(await writeConfig(yaml, files), env)
}

/** Loads a config that must be valid (fails with every problem otherwise). */
export async function loadOk (yaml: string, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<Extract<LoadResult, { ok: true }>> {
  const loaded = await load(yaml, files, env)
  if (!loaded.ok) throw new Error(`config should load:\n${loaded.problems.map(formatProblem).join('\n')}`)
  return loaded
}

/** The problems of a config that must be invalid, as `LINE:COL message` (file name left out). */
export async function problemsOf (yaml: string, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const loaded = await load(yaml, files, env)
  if (loaded.ok) throw new Error('config should not load')
  return loaded.problems.map(problem => `${problem.line}:${problem.col} ${problem.message}`)
}

/** Every JSON line the app logs, captured through a real pino logger with the service's redaction. */
export class LogCapture {
  readonly lines: string[] = []
  readonly logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.lines.push(line)
      callback()
    }
  }))

  get records (): Array<Record<string, unknown>> {
    return this.lines.map(line => JSON.parse(line) as Record<string, unknown>)
  }
}

/** Builds the app on a config text; `logs` captures its log lines when given. */
export async function appFor (yaml: string, files: Record<string, string> = {}, logs?: LogCapture): Promise<FastifyInstance> {
  const { policy, config } = await loadOk(yaml, files)
  return await buildApp(logs === undefined ? { policy, config, logger: false } : { policy, config, loggerInstance: logs.logger })
}

export async function shippedApp (logs?: LogCapture): Promise<FastifyInstance> {
  const loaded = await loadPolicy(join(repoRoot, 'conf/auth.yaml'), {})
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
  const { policy, config } = loaded
  return await buildApp(logs === undefined ? { policy, config, logger: false } : { policy, config, loggerInstance: logs.logger })
}
