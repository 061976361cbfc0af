import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.js'
import { formatProblem } from '../config/load.js'
import { loadPolicy } from '../policy/load.js'
import { logDestination, loggerOptions } from '../observability/logger.js'

export interface ServeOptions {
  configFile: string
  port: number
  host: string
}

export function serveOptionsFromEnv (env: NodeJS.ProcessEnv = process.env): ServeOptions {
  return {
    configFile: env.AUTH_HOOKS_CONFIG ?? 'conf/auth.yaml',
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0'
  }
}

/**
 * Loads the config, starts listening, and closes gracefully on SIGTERM/SIGINT. Exit code 1 on a
 * bad config and on a start that fails (port in use, store unreachable or not creatable): the
 * reason goes to stderr and everything opened so far is closed, so the process ends at once
 * instead of living on without serving (a container's `restart:` then restarts it).
 */
export async function serve (options: ServeOptions): Promise<void> {
  const loaded = await loadPolicy(options.configFile)
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`${formatProblem(problem)}\n`)
    process.stderr.write(`auth-hooks: ${options.configFile} is invalid; not starting\n`)
    process.exitCode = 1
    return
  }
  const logs = logDestination()
  let app: FastifyInstance | undefined
  try {
    // buildApp closes what it opened when a plugin fails (the store, the config watcher)
    app = await buildApp({
      policy: loaded.policy,
      config: loaded.config,
      logger: { ...loggerOptions(), stream: logs },
      loadShedding: true,
      watch: { file: options.configFile, files: loaded.files }
    })
    const built = app
    const reloadOnHangup = (): void => {
      built.log.info({ config: options.configFile }, 'SIGHUP: reloading config')
      built.configReloader.reload().catch(/* c8 ignore next: reload() reports its own failures */ () => {})
    }
    process.on('SIGHUP', reloadOnHangup)
    built.addHook('onClose', async () => { process.off('SIGHUP', reloadOnHangup) })
    await app.listen({ port: options.port, host: options.host })
  } catch (error) {
    await app?.close()
    logs.flush()
    process.stderr.write(`auth-hooks: cannot start: ${(error as Error).message}\n`)
    process.exitCode = 1
    return
  }
  const running = app
  // SIGHUP reloads the config instead of shutting down
  closeWithGrace({ delay: 10_000, logger: running.log, skip: ['SIGHUP'] }, async function ({ signal, err }) {
    if (err !== undefined) running.log.error({ err }, 'closing after an unexpected error')
    else running.log.info({ signal }, 'shutting down: finishing in-flight requests')
    await running.close()
  })
  running.log.info({ config: options.configFile, policy: loaded.policy.version, hooks: [...loaded.policy.hooks.values()].map(hook => `${hook.name} ${hook.path}`) }, 'policy loaded')
  // Start-up lines now, not once 4 KiB of decisions have gathered behind them.
  logs.flush()
}
