import { Counter, Histogram, Registry } from 'prom-client'
import t from 'tap'
import { PlainCounter, PlainHistogram } from '../../src/observability/plain-metrics.js'

const BOUNDS = [0.001, 0.01, 0.1]
const OBSERVED = [0.0005, 0.001, 0.002, 0.05, 0.1, 0.5, 3]

t.test('a plain histogram exports what prom-client exports for the same observations', async t => {
  const plainRegistry = new Registry()
  const plain = new PlainHistogram('latency_seconds', 'Latency.', BOUNDS, plainRegistry)
  const promRegistry = new Registry()
  const prom = new Histogram({ name: 'latency_seconds', help: 'Latency.', labelNames: ['hook'], buckets: BOUNDS, registers: [promRegistry] })

  const signup = plain.series({ hook: 'preSignup' })
  for (const seconds of OBSERVED) {
    signup.observe(seconds)
    prom.observe({ hook: 'preSignup' }, seconds)
  }
  plain.series({ hook: 'preLogin' }).observe(0.02)
  prom.observe({ hook: 'preLogin' }, 0.02)

  const text = await plainRegistry.metrics()
  t.equal(text, await promRegistry.metrics())
  t.match(text, 'latency_seconds_bucket{le="0.001",hook="preSignup"} 2\n', 'a bucket counts values up to and including its bound')
  t.match(text, 'latency_seconds_bucket{le="+Inf",hook="preSignup"} 7\n')
  t.match(text, 'latency_seconds_count{hook="preLogin"} 1\n')
})

t.test('a plain counter exports what prom-client exports, one line per label set used', async t => {
  const plainRegistry = new Registry()
  const plain = new PlainCounter('decisions_total', 'Decisions.', plainRegistry)
  const promRegistry = new Registry()
  const prom = new Counter({ name: 'decisions_total', help: 'Decisions.', labelNames: ['outcome', 'rule'], registers: [promRegistry] })

  const denied = plain.series({ outcome: 'deny', rule: 'say "no"\\\n' })
  for (let i = 0; i < 3; i++) {
    denied.inc()
    prom.inc({ outcome: 'deny', rule: 'say "no"\\\n' })
  }
  plain.series({ outcome: 'allow', rule: '(default)' }).inc()
  prom.inc({ outcome: 'allow', rule: '(default)' })

  t.equal(plain.series({ outcome: 'deny', rule: 'say "no"\\\n' }), denied, 'a label set has one series')
  const text = await plainRegistry.metrics()
  t.equal(text, await promRegistry.metrics())
  t.match(text, 'decisions_total{outcome="deny",rule="say \\"no\\"\\\\\\n"} 3\n', 'label values escaped by the registry')
})

t.test('the registry contract: plain metrics are found, reset and exported as JSON by prom-client', async t => {
  const registry = new Registry()
  const counter = new PlainCounter('calls_total', 'Calls.', registry)
  const histogram = new PlainHistogram('latency_seconds', 'Latency.', BOUNDS, registry)
  const calls = counter.series({ hook: 'preSignup' })
  const latency = histogram.series({ hook: 'preSignup' })
  calls.inc()
  latency.observe(0.002)
  t.equal(registry.getSingleMetric('calls_total'), counter as unknown)
  t.match(await registry.getMetricsAsJSON(), [{ name: 'calls_total', type: 'counter', values: [{ value: 1 }] }, { name: 'latency_seconds', type: 'histogram' }])
  registry.resetMetrics()
  t.match(await registry.metrics(), 'calls_total{hook="preSignup"} 0\n', 'reset zeroes a series and keeps it')
  t.match(await registry.metrics(), 'latency_seconds_count{hook="preSignup"} 0\n')
  calls.inc()
  t.match(await registry.metrics(), 'calls_total{hook="preSignup"} 1\n', 'a series held by a caller still counts after a reset')
})
