import closeWithGrace from 'close-with-grace'
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

/** Loads the config, starts listening, and closes gracefully on SIGTERM/SIGINT. Exit code 1 on a bad config. */
export async function serve (options: ServeOptions): Promise<void> {
  const loaded = await loadPolicy(options.configFile)
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`${formatProblem(problem)}\n`)
    process.stderr.write(`auth-hooks: ${options.configFile} is invalid; not starting\n`)
    process.exitCode = 1
    return
  }
  const logs = logDestination()
  const app = await buildApp({
    policy: loaded.policy,
    config: loaded.config,
    logger: { ...loggerOptions(), stream: logs },
    loadShedding: true,
    watch: { file: options.configFile, files: loaded.files }
  })
  const reloadOnHangup = (): void => {
    app.log.info({ config: options.configFile }, 'SIGHUP: reloading config')
    app.configReloader.reload().catch(/* c8 ignore next: reload() reports its own failures */ () => {})
  }
  process.on('SIGHUP', reloadOnHangup)
  app.addHook('onClose', async () => { process.off('SIGHUP', reloadOnHangup) })
  // SIGHUP reloads the config instead of shutting down
  closeWithGrace({ delay: 10_000, logger: app.log, skip: ['SIGHUP'] }, async function ({ signal, err }) {
    if (err !== undefined) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    await app.close()
  })
  await app.listen({ port: options.port, host: options.host })
  app.log.info({ config: options.configFile, policy: loaded.policy.version, hooks: [...loaded.policy.hooks.values()].map(hook => `${hook.name} ${hook.path}`) }, 'policy loaded')
  // Start-up lines now, not once 4 KiB of decisions have gathered behind them.
  logs.flush()
}
