#!/usr/bin/env node
import { main } from './cli/commands.js'

try {
  const code = await main(process.argv.slice(2))
  if (code !== 0) process.exitCode = code
} catch (error) {
  process.stderr.write(`auth-hooks: ${(error as Error).message}\n`)
  process.exitCode = 2
}
