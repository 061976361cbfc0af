/** The `auth-hooks` commands; src/cli.ts runs them on the process's arguments and streams. */
import { parseArgs } from 'node:util'
import { formatProblem, type Problem } from '../config/load.js'
import { describeBuiltinList } from '../policy/builtin-lists.js'
import { loadPolicy } from '../policy/load.js'
import { loadCases, runCases } from '../policy/tools/cases.js'
import { explainDecision } from '../policy/tools/explain.js'
import { DecisionTrace } from '../policy/tools/trace.js'
import type { CompiledHook, DialectName, HookName, HookRequest } from '../policy/types.js'
import { DIALECTS } from '../hooks/dialects/table.js'
import { isRefusal } from '../hooks/dialects/types.js'
import { openApiDocument } from './openapi.js'
import { serve, serveOptionsFromEnv } from './serve.js'

const USAGE = `usage: auth-hooks <command> [options]

  serve [--config FILE]   start the service (default conf/auth.yaml, or $AUTH_HOOKS_CONFIG)
  check [FILE]            validate a config exactly as the server would; exit 0 valid, 1 invalid
  test [FILE] [--config CONFIG]
                          run the policy test cases in FILE (default conf/auth.test.yaml) against
                          the config it names; exit 0 all passed, 1 any failed
  explain --hook preSignup|preLogin [FILE] < request.json
                          decide one request with FILE (default conf/auth.yaml) and show, rule
                          by rule, which conditions held and which failed. The request is the
                          body the hook's calling system sends: {"provider","data"} for the
                          native dialect, Supabase's, Okta's or the Kratos template's otherwise
  openapi [FILE]          print the OpenAPI document of the service FILE configures: every route
                          with its request and answer schemas
`

/** Where a command reads and writes; the process's own streams unless a test passes others. */
export interface CliIo {
  stdout: { write: (text: string) => unknown }
  stderr: { write: (text: string) => unknown }
  stdin: AsyncIterable<unknown> & { isTTY?: boolean }
}

const processIo: CliIo = process

const DEFAULT_CASES = 'conf/auth.test.yaml'
const HOOKS: readonly string[] = ['preSignup', 'preLogin']

function printProblems (io: CliIo, problems: Problem[], summary: string): number {
  for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`)
  io.stderr.write(`${summary}\n`)
  return 1
}

async function test (io: CliIo, casesFile: string, configOverride: string | undefined): Promise<number> {
  const loadedCases = await loadCases(casesFile)
  if (!loadedCases.ok) return printProblems(io, loadedCases.problems, `${loadedCases.problems.length} problem(s) in ${casesFile}`)
  const configFile = configOverride ?? loadedCases.config
  const trace = new DecisionTrace()
  const loaded = await loadPolicy(configFile, process.env, { trace: trace.tracer })
  if (!loaded.ok) return printProblems(io, loaded.problems, `${loaded.problems.length} problem(s) in ${configFile}`)
  const report = runCases(casesFile, loadedCases.cases, loaded.policy, loaded.config, trace, (testCase, hook) =>
    requestIn({ ...hook, dialect: testCase.dialect as DialectName }, testCase.request))
  const lines = [...report.lines, ...report.gaps.map(gap => `note: ${gap}`), `${report.passed} passed, ${report.failed} failed`]
  io.stdout.write(`${lines.join('\n')}\n`)
  return report.failed === 0 ? 0 : 1
}

async function readStdin (io: CliIo): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/** The parsed JSON on stdin, or why it is not JSON. */
function parseJson (text: string): { body: unknown } | string {
  try {
    return { body: JSON.parse(text) }
  } catch (error) {
    return `the request on stdin is not JSON (${(error as Error).message})`
  }
}

/** What the rules read from a body in the hook's dialect, or why it is not that system's request. */
export function requestIn (hook: CompiledHook, body: unknown): HookRequest | string {
  if (hook.dialect === 'native') return nativeRequest(body)
  const mapped = DIALECTS[hook.dialect].compile(hook).toRequest(body)
  return isRefusal(mapped) ? `${mapped.message} (the ${hook.name} hook speaks ${hook.dialect})` : mapped
}

/** The request to explain, or why it is not a hook request. */
function nativeRequest (request: unknown): HookRequest | string {
  const { provider, data } = (request ?? {}) as Partial<HookRequest>
  if (typeof provider !== 'string' || provider === '' || data === null || typeof data !== 'object' || Array.isArray(data)) {
    return 'the request on stdin must be {"provider": string, "data": object}'
  }
  return { provider, data }
}

async function explain (io: CliIo, hook: string | undefined, configFile: string): Promise<number> {
  if (hook === undefined || !HOOKS.includes(hook)) {
    io.stderr.write('auth-hooks explain: --hook preSignup or --hook preLogin is required\n')
    return 2
  }
  if (io.stdin.isTTY === true) {
    io.stderr.write('auth-hooks explain: pipe the request in: auth-hooks explain --hook preSignup < request.json\n')
    return 2
  }
  const parsed = parseJson(await readStdin(io))
  if (typeof parsed === 'string') {
    io.stderr.write(`auth-hooks explain: ${parsed}\n`)
    return 2
  }
  const trace = new DecisionTrace()
  const loaded = await loadPolicy(configFile, process.env, { trace: trace.tracer })
  if (!loaded.ok) return printProblems(io, loaded.problems, `${loaded.problems.length} problem(s) in ${configFile}`)
  const compiled = loaded.policy.hooks.get(hook as HookName)
  const request = compiled === undefined ? nativeRequest(parsed.body) : requestIn(compiled, parsed.body)
  if (typeof request === 'string') {
    io.stderr.write(`auth-hooks explain: ${request}\n`)
    return 2
  }
  const { decision, text } = explainDecision(loaded.policy, loaded.config, trace, hook as HookName, request)
  io.stdout.write(text)
  return decision === null ? 1 : 0
}

async function check (io: CliIo, file: string): Promise<number> {
  const loaded = await loadPolicy(file)
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`)
    io.stderr.write(`${loaded.problems.length} problem(s) in ${file}\n`)
    return 1
  }
  const hooks = [...loaded.policy.hooks.values()]
    .map(hook => `${hook.name}${hook.dialect === 'native' ? '' : ` (${hook.dialect})`} → POST ${hook.path}`).join(', ')
  io.stdout.write(`${file}: ok (policy ${loaded.policy.version}; ${hooks})\n`)
  for (const list of loaded.builtins) io.stdout.write(`  ${describeBuiltinList(list)}\n`)
  return 0
}

async function openapi (io: CliIo, file: string): Promise<number> {
  const loaded = await loadPolicy(file)
  if (!loaded.ok) return printProblems(io, loaded.problems, `${loaded.problems.length} problem(s) in ${file}`)
  io.stdout.write(`${JSON.stringify(await openApiDocument(loaded.policy, loaded.config), null, 2)}\n`)
  return 0
}

export async function main (argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      hook: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const defaults = serveOptionsFromEnv()
  const file = values.config ?? positionals[0] ?? defaults.configFile
  if (command === undefined || command === '--help' || command === '-h' || values.help === true) {
    io.stdout.write(USAGE)
    return 0
  }
  switch (command) {
    case 'serve':
      await serve({ ...defaults, configFile: file })
      return process.exitCode === undefined ? 0 : Number(process.exitCode)
    case 'check':
      return await check(io, file)
    case 'test':
      return await test(io, positionals[0] ?? DEFAULT_CASES, values.config)
    case 'explain':
      return await explain(io, values.hook, file)
    case 'openapi':
      return await openapi(io, file)
    default:
      io.stderr.write(USAGE)
      return 2
  }
}
