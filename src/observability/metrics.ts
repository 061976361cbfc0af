import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import { type CounterSeries, type HistogramSeries, PlainCounter, PlainHistogram } from './plain-metrics.js'
import type { CompiledHook, Decision } from '../policy/types.js'

/** The `rule` label when no rule decided. */
export const DEFAULT_RULE = '(default)'
export const FIELD_TOO_LONG_RULE = '(field-too-long)'

/** Decision and reload metrics in one registry per app, so several apps in one process do not clash. */
export class AuthHooksMetrics {
  readonly registry = new Registry()
  readonly #decisions = new PlainCounter(
    'auth_hooks_decisions_total',
    'Hook decisions by hook, dialect (the calling system\'s wire format), outcome (allow or deny) and deciding rule ((default) when no rule decided).',
    this.registry
  )

  readonly #latency = new PlainHistogram(
    'auth_hooks_decision_duration_seconds',
    'Time from receiving a hook request to its decision (body parsing, validation and rules).',
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
    this.registry
  )

  readonly #refusals = new PlainCounter(
    'auth_hooks_refusals_total',
    'Requests refused before or instead of a decision, by code (unauthorized, invalid-json, invalid-request, body-too-large, json-too-deep, overloaded, ...) and, for unauthorized, the reason the caller was refused.',
    this.registry
  )

  readonly #reloads = new Counter({
    name: 'auth_hooks_config_reloads_total',
    help: 'Config reloads by result: succeeded (the new policy is in force) or failed (the last good policy kept serving).',
    labelNames: ['result'] as const,
    registers: [this.registry]
  })

  readonly #lastReloadOk = new Gauge({
    name: 'auth_hooks_config_last_reload_successful',
    help: '1 when the newest config on disk is the policy in force, 0 when it failed to load.',
    registers: [this.registry]
  })

  readonly #policyInfo = new Gauge({
    name: 'auth_hooks_policy_info',
    help: 'The policy in force: its version (content hash) as a label, value 1.',
    labelNames: ['version'] as const,
    registers: [this.registry]
  })

  constructor (version: string) {
    collectDefaultMetrics({ register: this.registry })
    for (const result of ['succeeded', 'failed']) this.#reloads.inc({ result }, 0)
    this.#lastReloadOk.set(1)
    this.#policyInfo.set({ version }, 1)
  }

  // The hot path finds its series by hook, outcome and rule (a handful per hook: one per rule
  // that can decide, plus the defaults) without building a key per request. Keyed by the compiled
  // hook, so a reload that changes a hook's dialect counts under the new label at once.
  readonly #byHook = new WeakMap<CompiledHook, HookSeries>()

  decided (compiled: CompiledHook, decision: Decision, seconds: number): void {
    let series = this.#byHook.get(compiled)
    const { name: hook, dialect } = compiled
    if (series === undefined) {
      series = { latency: this.#latency.series({ hook, dialect }), allow: new Map(), deny: new Map() }
      this.#byHook.set(compiled, series)
    }
    const rule = decision.rule ?? ruleless(decision)
    const byRule = series[decision.outcome]
    let counter = byRule.get(rule)
    if (counter === undefined) {
      counter = this.#decisions.series({ hook, dialect, outcome: decision.outcome, rule })
      byRule.set(rule, counter)
    }
    counter.inc()
    series.latency.observe(seconds)
  }

  /** One refusal; the reasons are fixed texts (never a credential), so the label set stays small. */
  refused (code: string, reason: string): void {
    this.#refusals.series({ code, reason }).inc()
  }

  reloaded (version: string): void {
    this.#reloads.inc({ result: 'succeeded' })
    this.#lastReloadOk.set(1)
    this.#policyInfo.reset()
    this.#policyInfo.set({ version }, 1)
  }

  reloadFailed (): void {
    this.#reloads.inc({ result: 'failed' })
    this.#lastReloadOk.set(0)
  }
}

/** One hook's latency series and its decision counters by outcome and rule. */
interface HookSeries extends Record<Decision['outcome'], Map<string, CounterSeries>> {
  latency: HistogramSeries
}

function ruleless (decision: Decision): string {
  return decision.by === 'field-too-long' ? FIELD_TOO_LONG_RULE : DEFAULT_RULE
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AuthHooksMetrics
  }
}

export interface MetricsOptions {
  /** Serve /metrics on this port (0: any free one) instead of the app's. */
  port?: number
  host?: string
  /** Scrapes must send Authorization: Bearer <token>. */
  token?: string
}

/** The metrics options of a config's server.metrics section. */
export function metricsOptions (config: { server?: { metrics?: MetricsOptions } }): MetricsOptions {
  return config.server?.metrics ?? {}
}

const UNAUTHORIZED = JSON.stringify({ code: 'unauthorized', message: 'A valid metrics token is required (Authorization: Bearer <token>)' })
const NOT_FOUND = JSON.stringify({ code: 'not-found', message: 'Only GET /metrics is served on this port' })

/** A scrape token's check, constant time over SHA-256 digests. */
function tokenCheck (token: string | undefined): (authorization: string | undefined) => boolean {
  if (token === undefined) return () => true
  const expected = createHash('sha256').update(token).digest()
  return authorization => {
    const match = /^bearer +(.+)$/i.exec(authorization ?? '')
    if (match === null || (match[1] as string).length > 4096) return false
    return timingSafeEqual(createHash('sha256').update((match[1] as string).trim()).digest(), expected)
  }
}

/**
 * A plain HTTP server of its own for /metrics, so the hook port (which the auth system's network
 * may reach) does not expose it. Listens when the app is ready, so a port in use fails the start.
 */
function metricsServer (app: FastifyInstance, metrics: AuthHooksMetrics, options: MetricsOptions & { port: number }, authorized: (header: string | undefined) => boolean): Server {
  const server = createServer((request, response) => {
    const path = (request.url as string).split('?')[0]
    const answer = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(body)
    }
    if (request.method !== 'GET' || path !== '/metrics') return answer(404, 'application/json; charset=utf-8', NOT_FOUND)
    if (!authorized(request.headers.authorization)) {
      app.refusals.count('unauthorized', 'the metrics token is not accepted')
      return answer(401, 'application/json; charset=utf-8', UNAUTHORIZED)
    }
    metrics.registry.metrics().then(text => answer(200, metrics.registry.contentType, text), /* c8 ignore next */ () => answer(500, 'text/plain', 'metrics failed'))
  })
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, options.host ?? '0.0.0.0', () => { server.off('error', reject); resolve() })
    })
    app.log.info({ address: server.address() }, 'metrics listening')
  })
  app.addHook('onClose', async () => {
    if (!server.listening) return
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  return server
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The separate /metrics server when server.metrics.port is set; null otherwise. */
    metricsServer: Server | null
  }
}

/**
 * `GET /metrics` in Prometheus text format; follows the policy store's swaps and failed loads.
 * On the app's port, or on a port of its own (options.port); behind a bearer token when given.
 */
async function metricsPlugin (app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const metrics = new AuthHooksMetrics(app.policies.current.version)
  app.decorate('metrics', metrics)
  app.policies.onChange(event => {
    if (event.type === 'loaded') metrics.reloaded(event.policy.version)
    else metrics.reloadFailed()
  })
  const authorized = tokenCheck(options.token)
  if (options.port !== undefined) {
    app.decorate('metricsServer', metricsServer(app, metrics, { ...options, port: options.port }, authorized))
    return
  }
  app.decorate('metricsServer', null)
  const refusedBody = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }
  app.get('/metrics', { schema: { response: { 200: { type: 'string' }, 401: refusedBody } } }, async (request, reply) => {
    if (!authorized(request.headers.authorization)) {
      app.refusals.count('unauthorized', 'the metrics token is not accepted')
      return reply.code(401).header('www-authenticate', 'Bearer').send(JSON.parse(UNAUTHORIZED))
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}

export default fp(metricsPlugin, { name: 'auth-hooks-metrics', dependencies: ['auth-hooks-policy-store', 'auth-hooks-errors'] })
