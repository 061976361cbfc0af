import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable, Writable } from 'node:stream'
import pino from 'pino'
import { parse } from 'yaml'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { main } from '../src/cli/commands.js'
import { formatProblem } from '../src/config/load.js'
import { loadPolicy, type LoadResult } from '../src/policy/load.js'
import { loggerOptions } from '../src/observability/logger.js'

export const repoRoot = new URL('../', import.meta.url).pathname

/**
 * Every config needs an explicit `caller`; tests about other things get `caller: {none: true}`
 * appended, after their own lines, so the line numbers they check stay as written.
 */
export function withCaller (yaml: string): string {
  let parsed: unknown
  try { parsed = parse(yaml) } catch { return yaml }
  if (parsed === null || typeof parsed !== 'object' || !('hooks' in parsed) || 'caller' in parsed) return yaml
  if (yaml.trimStart().startsWith('{')) return yaml.replace('{', '{ caller: { none: true }, ')
  return `${yaml.endsWith('\n') ? yaml : `${yaml}\n`}caller: { none: true }\n`
}

/** Writes a config (and any list files beside it) into a fresh temp folder; returns the config path. */
export async function writeConfig (yaml: string, files: Record<string, string> = {}, options: { addCaller?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'auth-hooks-test-'))
  const file = join(dir, 'auth.yaml')
  await writeFile(file, options.addCaller === false ? yaml : withCaller(yaml))
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

/**
 * Every JSON line the app logs. Pass it as a logger stream, or use `logger`: a real pino logger
 * with the service's own options (redaction included) writing here.
 */
export class LogCapture extends Writable {
  readonly lines: string[] = []
  readonly logger = pino(loggerOptions('trace'), this)

  override _write (chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(line => line !== ''))
    callback()
  }

  get records (): Array<Record<string, unknown>> {
    return this.lines.map(line => JSON.parse(line) as Record<string, unknown>)
  }
}

/** Builds the app on a config text; `logs` captures its log lines when given. */
export async function appFor (yaml: string, files: Record<string, string> = {}, logs?: LogCapture): Promise<FastifyInstance> {
  const { policy, config } = await loadOk(yaml, files)
  return await buildApp(logs === undefined ? { policy, config, logger: false } : { policy, config, loggerInstance: logs.logger })
}

export const SHIPPED_CONFIG = join(repoRoot, 'conf/auth.yaml')

export async function shippedApp (logs?: LogCapture): Promise<FastifyInstance> {
  const loaded = await loadPolicy(SHIPPED_CONFIG, {})
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
  const { policy, config } = loaded
  return await buildApp(logs === undefined ? { policy, config, logger: false } : { policy, config, loggerInstance: logs.logger })
}

export interface Run { child: ChildProcess, stdout: string[], stderr: () => string, exit: Promise<number | null> }

/** Spawns a command with HOST=127.0.0.1 PORT=0, collecting its stdout lines and stderr. */
export function spawnLogged (command: string, args: string[], options: { cwd: string, env?: NodeJS.ProcessEnv }): Run {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const stdout: string[] = []
  let stderr = ''
  let buffered = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const lines = buffered.split('\n')
    buffered = lines.pop() as string
    stdout.push(...lines)
    child.emit('lines')
  })
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exit = once(child, 'exit').then(([code]) => code as number | null)
  return { child, stdout, stderr: () => stderr, exit }
}

/** The port from Fastify's "Server listening at http://127.0.0.1:PORT" line. */
export async function listeningPort (run: Run): Promise<number> {
  for (;;) {
    for (const line of run.stdout) {
      const match = /"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(line)
      if (match !== null) return Number(match[1])
    }
    await Promise.race([once(run.child, 'lines'), run.exit.then(code => { throw new Error(`exited ${code}: ${run.stderr()}`) })])
  }
}

/**
 * A real HTTP call. With `hold`, it sends the headers and part of the body, calls `sent` once the
 * connection is up, and sends the rest when `hold` resolves.
 */
export async function call (port: number, method: string, path: string, body?: unknown, hold?: Promise<void>, sent?: () => void): Promise<{ status: number, body: any }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.length } }, res => {
      let text = ''
      res.on('data', chunk => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode as number, body: text === '' ? undefined : JSON.parse(text) }))
    })
    req.on('error', reject)
    if (payload === undefined) { req.end(); return }
    if (hold === undefined) { req.end(payload); return }
    req.write(payload.subarray(0, 10))
    req.flushHeaders()
    req.on('socket', socket => socket.once('connect', () => sent?.()))
    hold.then(() => req.end(payload.subarray(10)), reject)
  })
}

/**
 * What a browser-facing failure shows: the plain HTML page (never JSON), its title, the error code
 * and the request id it quotes. Fails when the answer is not that page.
 */
export function failurePage (response: { headers: Record<string, unknown>, body: string }): { title: string, code: string, requestId: string } {
  if (!String(response.headers['content-type']).startsWith('text/html')) throw new Error(`not an HTML page: ${response.body}`)
  const match = /<h1>([^<]*)<\/h1>[\s\S]*<code>([^<]*)<\/code> \(([^)]*)\)/.exec(response.body)
  if (match === null) throw new Error(`not the failure page: ${response.body}`)
  if (response.headers['x-request-id'] !== undefined && response.headers['x-request-id'] !== match[2]) throw new Error('the page quotes another request id')
  return { title: match[1] as string, requestId: match[2] as string, code: match[3] as string }
}

/** Runs an `auth-hooks` command in process, with `stdin` as its input; its exit code and output. */
export async function runCommand (args: string[], stdin = ''): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (text: string) => { stdout += text } },
    stderr: { write: (text: string) => { stderr += text } },
    stdin: Readable.from([Buffer.from(stdin)])
  })
  return { code, stdout, stderr }
}
