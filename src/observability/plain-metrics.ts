import type { Metric, Registry } from 'prom-client'

type Labels = Readonly<Record<string, string>>

/** One labelled count. */
export class CounterSeries {
  value = 0
  constructor (readonly labels: Labels) {}
  inc (): void { this.value += 1 }
  reset (): void { this.value = 0 }
}

/** One labelled histogram: a count per bucket (not cumulative), the sum and the count. */
export class HistogramSeries {
  readonly buckets: Array<{ readonly le: number, count: number }>
  sum = 0
  count = 0
  constructor (readonly labels: Labels, upperBounds: readonly number[]) {
    this.buckets = upperBounds.map(le => ({ le, count: 0 }))
  }

  observe (value: number): void {
    for (const bucket of this.buckets) {
      if (value <= bucket.le) {
        bucket.count += 1
        break
      }
    }
    this.sum += value
    this.count += 1
  }

  reset (): void {
    for (const bucket of this.buckets) bucket.count = 0
    this.sum = 0
    this.count = 0
  }
}

interface Sample { metricName?: string, labels: Record<string, string | number>, value: number }

/**
 * A metric prom-client's Registry exports (it reads `name`, `help`, `type`, `get()` and calls
 * `reset()`: the `Metric` contract, tested against the pinned prom-client), counted in plain numbers: the caller asks for a label set's series once and keeps it, so counting is
 * arithmetic. prom-client's own metrics validate and hash the labels on every inc/observe, which
 * under load cost the hook path as much as switching metrics off saves (see docs/benchmark.md).
 */
abstract class PlainMetric<S extends { labels: Labels, reset: () => void }> {
  abstract readonly type: 'counter' | 'histogram'
  readonly #series = new Map<string, S>()

  constructor (readonly name: string, readonly help: string, registry: Registry) {
    registry.registerMetric(this as unknown as Metric)
  }

  /** The series for a label set, made on first use (so, as with prom-client, only used sets are listed). */
  series (labels: Labels): S {
    const key = JSON.stringify(labels)
    let series = this.#series.get(key)
    if (series === undefined) {
      series = this.create(labels)
      this.#series.set(key, series)
    }
    return series
  }

  /** Zeroes every series; callers keep the series they hold, so none is dropped. */
  reset (): void {
    for (const series of this.#series.values()) series.reset()
  }

  async get (): Promise<{ name: string, help: string, type: string, values: Sample[] }> {
    const values = [...this.#series.values()].flatMap(series => this.samples(series))
    return { name: this.name, help: this.help, type: this.type, values }
  }

  protected abstract create (labels: Labels): S
  protected abstract samples (series: S): Sample[]
}

export class PlainCounter extends PlainMetric<CounterSeries> {
  readonly type = 'counter'
  protected create (labels: Labels): CounterSeries { return new CounterSeries(labels) }
  protected samples ({ labels, value }: CounterSeries): Sample[] { return [{ labels, value }] }
}

export class PlainHistogram extends PlainMetric<HistogramSeries> {
  readonly type = 'histogram'
  constructor (name: string, help: string, readonly upperBounds: readonly number[], registry: Registry) {
    super(name, help, registry)
  }

  protected create (labels: Labels): HistogramSeries { return new HistogramSeries(labels, this.upperBounds) }

  /** The exposition prom-client writes for a histogram: cumulative buckets, +Inf, _sum, _count. */
  protected samples (series: HistogramSeries): Sample[] {
    const bucket = `${this.name}_bucket`
    let cumulative = 0
    const buckets = series.buckets.map(({ le, count }) => {
      cumulative += count
      return { metricName: bucket, labels: { le, ...series.labels }, value: cumulative }
    })
    return [
      ...buckets,
      { metricName: bucket, labels: { le: '+Inf', ...series.labels }, value: series.count },
      { metricName: `${this.name}_sum`, labels: series.labels, value: series.sum },
      { metricName: `${this.name}_count`, labels: series.labels, value: series.count }
    ]
  }
}
