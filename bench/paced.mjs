// The open-loop and many-users load generator, in its own process: `node bench/paced.mjs '<job>'`
// prints one JSON result. Latency is taken per request with process.hrtime (µs resolution, where
// autocannon rounds to whole milliseconds), from the moment the request is handed to the socket
// until the last byte of the answer.
//   job.rate:  open loop. Request i is due at start + i / rate whether or not earlier ones have
//              answered (a closed loop waits, and so measures its own queue); `lagP99` says how
//              late this client was in sending them (if it is large, the client did not keep up).
//   job.users: closed loop of that many users, each sending its next request when the last answered.
// job: {url, rate | users, duration, warmup, traffic (bench/traffic.mjs), ackFile?, maxInFlight?}.
// `errors` are wrong answers and socket errors; `dropped` are requests never sent because
// maxInFlight were already waiting, or still unanswered 10 s after the phase (an overloaded server).
// With ackFile, the `ack` of every request answered with its expected status (warm-up included)
// is written there as JSON lines: what the harness reads back from the database.
import { writeFile } from 'node:fs/promises'
import { Agent, request as httpRequest } from 'node:http'
import { traffic } from './traffic.mjs'

const job = JSON.parse(process.argv[2])
const generator = traffic(job.traffic)
const target = new URL(job.url)
const agent = new Agent({ keepAlive: true, maxSockets: job.maxInFlight ?? 1024 })
const acks = []
let sent = 0

/** One request; resolves with its latency in ms and whether the answer was the expected one. */
function send (spec) {
  return new Promise(resolve => {
    const started = process.hrtime.bigint()
    const request = httpRequest({ host: target.hostname, port: target.port, method: spec.method, path: spec.path, headers: spec.headers, agent }, response => {
      const chunks = []
      response.on('data', chunk => chunks.push(chunk))
      response.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6
        let ok = response.statusCode === spec.status
        if (ok && spec.location !== undefined) ok = (response.headers.location ?? '').startsWith(spec.location)
        if (ok && spec.ack !== undefined) {
          const saved = JSON.parse(Buffer.concat(chunks).toString('utf8'))
          ok = saved.userId === spec.ack.userId && saved.profile?.company === spec.ack.company
          if (ok) acks.push(spec.ack)
        }
        resolve({ ms, ok })
      })
      response.on('error', () => resolve({ ms: NaN, ok: false }))
    })
    request.on('error', () => resolve({ ms: NaN, ok: false }))
    request.end(spec.body)
  })
}

const quantile = (sorted, q) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const round = value => Math.round(value * 100) / 100

/** Runs one phase of `seconds`; returns its figures (latencies of the answers that arrived). */
async function phase (seconds) {
  const latencies = []
  const lags = []
  let errors = 0
  let dropped = 0
  let inFlight = 0
  const record = ({ ms, ok }) => {
    inFlight--
    if (ok) latencies.push(ms)
    else errors++
  }
  const started = performance.now()
  const end = started + seconds * 1000
  const pending = []
  if (job.rate !== undefined) {
    const limit = job.maxInFlight ?? 1024
    for (let i = 0; ; i++) {
      const due = started + i * 1000 / job.rate
      if (due >= end) break
      const now = performance.now()
      if (due > now + 1) await new Promise(resolve => setTimeout(resolve, due - now))
      lags.push(Math.max(0, performance.now() - due))
      // A server that cannot keep up would grow the queue without bound: count those as failed.
      if (inFlight >= limit) { dropped++; continue }
      inFlight++
      pending.push(send(generator.next(sent++)).then(record))
    }
  } else {
    const user = async () => {
      while (performance.now() < end) {
        inFlight++
        record(await send(generator.next(sent++)))
      }
    }
    pending.push(...Array.from({ length: job.users }, user))
  }
  // Bounded: answers still missing 10 s after the phase are failures.
  const timeout = new Promise(resolve => setTimeout(resolve, 10_000).unref())
  await Promise.race([Promise.all(pending), timeout])
  const elapsed = (performance.now() - started) / 1000
  dropped += inFlight
  latencies.sort((a, b) => a - b)
  lags.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    rps: Math.round(latencies.length / Math.max(elapsed, seconds)),
    ...(job.rate === undefined ? {} : { rate: job.rate, lagP99: round(quantile(lags, 0.99)) }),
    p50: round(quantile(latencies, 0.5)),
    p99: round(quantile(latencies, 0.99)),
    p999: round(quantile(latencies, 0.999)),
    max: round(latencies.at(-1) ?? NaN),
    errors,
    dropped
  }
}

if (job.warmup > 0) await phase(job.warmup)
const result = await phase(job.duration)
if (job.ackFile !== undefined) await writeFile(job.ackFile, acks.map(ack => JSON.stringify(ack)).join('\n') + '\n')
agent.destroy()
process.stdout.write(JSON.stringify(result) + '\n')
