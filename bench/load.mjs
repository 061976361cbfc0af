// The load generator, in its own process: `node bench/load.mjs '<job json>'` prints one JSON result.
// job: {url, connections, warmup, duration, requests: [{path, body, status}], secret?}
import autocannon from 'autocannon'
import { createHmac, randomUUID } from 'node:crypto'

export const POLICY_HEADER = 'x-auth-hooks-policy'

/** Standard Webhooks headers for one body (wire-formats.md section 2): a fresh id, so no replay. */
export function signedHeaders (secret, body) {
  const id = `msg_${randomUUID()}`
  const timestamp = Math.floor(Date.now() / 1000).toString()
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` }
}

function run (options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => error ? reject(error) : resolve(result))
  })
}

async function main (job) {
  const tally = { unexpected: 0, policies: new Set() }
  const requests = job.requests.map(({ path, body, status }) => ({
    method: 'POST',
    path,
    body,
    headers: { 'content-type': 'application/json' },
    ...(job.secret === undefined ? {} : { setupRequest: request => ({ ...request, headers: { ...request.headers, ...signedHeaders(job.secret, body) } }) }),
    onResponse (actual, _body, _context, headers) {
      if (actual !== status) tally.unexpected++
      if (headers[POLICY_HEADER] !== undefined) tally.policies.add(headers[POLICY_HEADER])
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
