import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { PolicyStore } from './live.js'
import { formatProblem } from '../config/load.js'
import { loadPolicy, type LoadResult } from './load.js'
import { schemaDefault } from '../config/schema.js'
import type { AuthHooksConfig } from '../config/types.js'
import type { Limits } from './types.js'

export interface WatchOptions {
  /** The config file the running policy came from. */
  file: string
  /** Every file that policy read (the config and its list files), as `loadPolicy` returned them. */
  files: string[]
  env?: NodeJS.ProcessEnv
  /** Quiet time after the last change before reloading; editors write a file in several steps. */
  debounceMs?: number
}

/** The limits only a restart applies, with what each one is. */
const RESTART_ONLY: Array<[keyof Limits & ('bodyBytes' | 'eventLoopDelayMs' | 'retryAfterSeconds'), string]> = [
  ['bodyBytes', 'body limit'],
  ['eventLoopDelayMs', 'load-shedding threshold'],
  ['retryAfterSeconds', 'Retry-After for shed requests']
]

// Kubernetes swaps a mounted ConfigMap by renaming this symlink, not the files seen through it.
const CONFIGMAP_LINK = '..data'

/** Masks the values of the environment variables a config read wherever they show up in a problem. */
function masker (used: Map<string, unknown>): (text: string) => string {
  const secrets = [...used].filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length >= 4)
  return text => secrets.reduce((masked, [name, value]) => masked.replaceAll(value, `\${${name}}`), text)
}

/**
 * Reloads the policy when its files change or on request (SIGHUP). A new version is loaded and
 * compiled completely before one assignment swaps it in; a version with problems changes nothing
 * but the store's failure report. Reloads never overlap: a change during a reload runs one more.
 */
export class ConfigReloader {
  readonly #store: PolicyStore
  readonly #log: FastifyBaseLogger
  readonly #file: string
  readonly #env: NodeJS.ProcessEnv
  readonly #debounceMs: number
  readonly #startLimits: Limits
  readonly #watchers = new Map<string, FSWatcher>()
  #names = new Map<string, Set<string>>()
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null
  #again = false
  #closed = false

  constructor (store: PolicyStore, log: FastifyBaseLogger, options: WatchOptions) {
    this.#store = store
    this.#log = log
    this.#file = options.file
    this.#env = options.env ?? process.env
    this.#debounceMs = options.debounceMs ?? 150
    this.#startLimits = store.current.limits
    this.#watch(options.files)
  }

  /** Directories being watched (a file replaced by rename is only seen from its directory). */
  get watchedDirectories (): string[] {
    return [...this.#watchers.keys()]
  }

  /** Reloads after the debounce delay; each call restarts the delay. */
  schedule (): void {
    if (this.#closed) return
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.reload().catch(/* c8 ignore next: reload() reports its own failures */ () => {})
    }, this.#debounceMs)
  }

  /** Reloads now; resolves when the store holds the outcome. */
  reload (): Promise<void> {
    if (this.#running !== null) {
      this.#again = true
      return this.#running
    }
    this.#running = (async () => {
      do {
        this.#again = false
        await this.#loadOnce()
      } while (this.#again && !this.#closed)
      this.#running = null
    })()
    return this.#running
  }

  async close (): Promise<void> {
    this.#closed = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
    await this.#running
  }

  async #loadOnce (): Promise<void> {
    const used = new Map<string, unknown>()
    const env = new Proxy(this.#env, {
      get (target, name) {
        const value: unknown = Reflect.get(target, name)
        if (typeof name === 'string') used.set(name, value)
        return value
      }
    })
    let loaded: LoadResult
    try {
      loaded = await loadPolicy(this.#file, env, { check: config => this.#fixedAtStartup(config) })
    } catch (error) {
      loaded = { ok: false, files: [this.#file], problems: [{ file: this.#file, line: 1, col: 1, message: `cannot load: ${(error as Error).message}` }] }
    }
    if (this.#closed) return
    this.#watch(loaded.files)
    if (loaded.ok) {
      const previous = this.#store.current.version
      this.#store.replace(loaded.policy)
      const message = previous === loaded.policy.version ? 'config reloaded: policy unchanged' : 'config reloaded: new policy in force'
      this.#log.info({ config: this.#file, policy: loaded.policy.version, previous }, message)
      return
    }
    const mask = masker(used)
    const problems = loaded.problems.map(problem => mask(formatProblem(problem)))
    for (const problem of problems) this.#log.error({ config: this.#file }, `config problem: ${problem}`)
    const policy = this.#store.current.version
    this.#log.error({ config: this.#file, policy, problems: problems.length }, `config reload refused (${problems.length} problem(s)); policy ${policy} keeps serving`)
    this.#store.fail({ at: new Date().toISOString(), problems })
  }

  /**
   * Settings read once at start: the body limit sizes the HTTP server's parser, the load-shedding
   * threshold and its Retry-After are fixed into the event-loop sampler and its hook. A reload
   * that changes one is refused (restart to apply it) rather than accepted and silently ignored.
   */
  #fixedAtStartup (config: AuthHooksConfig): Array<{ path: Array<string | number>, message: string }> {
    const problems: Array<{ path: Array<string | number>, message: string }> = []
    for (const [key, what] of RESTART_ONLY) {
      const running = this.#startLimits[key]
      const next = config.limits?.[key] ?? schemaDefault('limits', key) as number
      if (next !== running) problems.push({ path: ['limits', key], message: `changed from ${running} to ${next}; restart auth-hooks to apply a new ${what}` })
    }
    return problems
  }

  #watch (files: string[]): void {
    const names = new Map<string, Set<string>>()
    for (const file of files) {
      const absolute = resolve(file)
      const dir = dirname(absolute)
      const set = names.get(dir) ?? new Set([CONFIGMAP_LINK])
      set.add(basename(absolute))
      names.set(dir, set)
    }
    this.#names = names
    for (const [dir, watcher] of this.#watchers) {
      if (names.has(dir)) continue
      watcher.close()
      this.#watchers.delete(dir)
    }
    for (const dir of names.keys()) {
      if (!this.#watchers.has(dir)) this.#watchDirectory(dir)
    }
  }

  #watchDirectory (dir: string): void {
    let watcher: FSWatcher
    try {
      watcher = watch(dir, (_event, name) => {
        if (name === null || this.#names.get(dir)?.has(name) === true) this.schedule()
      })
    } catch (error) {
      this.#log.warn({ dir, err: error }, 'cannot watch this directory for config changes; SIGHUP still reloads')
      return
    }
    /* c8 ignore next 5: inotify reports errors such as ENOSPC/EMFILE only under system limits a test cannot set */
    watcher.on('error', error => {
      this.#log.warn({ dir, err: error }, 'stopped watching this directory for config changes; SIGHUP still reloads')
      watcher.close()
      this.#watchers.delete(dir)
    })
    this.#watchers.set(dir, watcher)
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    configReloader: ConfigReloader
  }
}

/** Watches the config and its list files and swaps reloaded policies into `app.policies`. */
async function configWatcherPlugin (app: FastifyInstance, options: WatchOptions): Promise<void> {
  const reloader = new ConfigReloader(app.policies, app.log, options)
  app.decorate('configReloader', reloader)
  app.addHook('onClose', async () => await reloader.close())
}

export default fp(configWatcherPlugin, { name: 'auth-hooks-config-watcher', dependencies: ['auth-hooks-policy-store'] })
