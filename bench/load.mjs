// The closed-loop load generator, in its own process: `node bench/load.mjs '<job json>'` prints one
// JSON result. job: {url, connections, warmup, duration, traffic} (traffic: see bench/traffic.mjs;
// a fixed mix of requests, each with the status it must get).
import autocannon from 'autocannon'
import { POLICY_HEADER, traffic } from './traffic.mjs'

function run (options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => error ? reject(error) : resolve(result))
  })
}

async function main (job) {
  const tally = { unexpected: 0, policies: new Set() }
  const { requests: mix, headersFor } = traffic(job.traffic)
  const requests = mix.map(({ method, path, headers, body, status }) => ({
    method,
    path,
    body,
    headers,
    ...(headersFor === undefined ? {} : { setupRequest: request => ({ ...request, headers: { ...request.headers, ...headersFor(body) } }) }),
    onResponse (actual, _body, _context, responseHeaders) {
      if (actual !== status) tally.unexpected++
      if (responseHeaders[POLICY_HEADER] !== undefined) tally.policies.add(responseHeaders[POLICY_HEADER])
    }
  }))
  const options = { url: job.url, connections: job.connections, requests }
  if (job.warmup > 0) await run({ ...options, duration: job.warmup })
  tally.unexpected = 0
  tally.policies.clear()
  const result = await run({ ...options, duration: job.duration })
  return {
    requests: result.requests.total,
    rps: result.requests.total / job.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    errors: tally.unexpected + result.errors + result.timeouts,
    unexpectedStatus: tally.unexpected,
    socketErrors: result.errors + result.timeouts,
    policies: [...tally.policies]
  }
}

if (process.argv[2] !== undefined) {
  process.stdout.write(JSON.stringify(await main(JSON.parse(process.argv[2]))) + '\n')
}
