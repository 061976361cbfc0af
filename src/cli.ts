#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { formatProblem, loadPolicy } from './config/load.js'
import { serve, serveOptionsFromEnv } from './server.js'

const USAGE = `usage: auth-hooks <command> [options]

  serve [--config FILE]   start the service (default conf/auth.yaml, or $AUTH_HOOKS_CONFIG)
  check [FILE]            validate a config exactly as the server would; exit 0 valid, 1 invalid
`

async function check (file: string): Promise<number> {
  const loaded = await loadPolicy(file)
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`${formatProblem(problem)}\n`)
    process.stderr.write(`${loaded.problems.length} problem(s) in ${file}\n`)
    return 1
  }
  const hooks = [...loaded.policy.hooks.values()].map(hook => `${hook.name} → POST ${hook.path}`).join(', ')
  process.stdout.write(`${file}: ok (policy ${loaded.policy.version}; ${hooks})\n`)
  return 0
}

export async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }
  })
  const defaults = serveOptionsFromEnv()
  const file = values.config ?? positionals[0] ?? defaults.configFile
  if (command === undefined || command === '--help' || command === '-h' || values.help === true) {
    process.stdout.write(USAGE)
    return 0
  }
  switch (command) {
    case 'serve':
      await serve({ ...defaults, configFile: file })
      return process.exitCode === undefined ? 0 : Number(process.exitCode)
    case 'check':
      return await check(file)
    default:
      process.stderr.write(USAGE)
      return 2
  }
}

try {
  const code = await main(process.argv.slice(2))
  if (code !== 0) process.exitCode = code
} catch (error) {
  process.stderr.write(`auth-hooks: ${(error as Error).message}\n`)
  process.exitCode = 2
}
