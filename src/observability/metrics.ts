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

/** `GET /metrics` in Prometheus text format; follows the policy store's swaps and failed loads. */
async function metricsPlugin (app: FastifyInstance): Promise<void> {
  const metrics = new AuthHooksMetrics(app.policies.current.version)
  app.decorate('metrics', metrics)
  app.policies.onChange(event => {
    if (event.type === 'loaded') metrics.reloaded(event.policy.version)
    else metrics.reloadFailed()
  })
  app.get('/metrics', { schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}

export default fp(metricsPlugin, { name: 'auth-hooks-metrics', dependencies: ['auth-hooks-policy-store'] })
