// The open-loop and many-users load generator, in its own process: `node bench/paced.mjs '<job>'`
// prints one JSON result. It speaks HTTP/1.1 on raw keep-alive sockets (one request at a time
// per socket, no pipelining) so that it costs a few µs a request: node:http's client cost about
// as much CPU per request as the server under test, and at half the server's capacity this
// client, on the same two cores, fell behind by tens of ms. Latency is taken per request with
// performance.now() (µs resolution, where autocannon rounds to whole milliseconds), from the
// write to the socket until the last byte of the answer.
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
import { connect } from 'node:net'
import { traffic } from './traffic.mjs'

const job = JSON.parse(process.argv[2])
const generator = traffic(job.traffic)
const target = new URL(job.url)
const HOST = `host: ${target.host}\r\n`
const acks = []
let sent = 0

const HEAD_END = Buffer.from('\r\n\r\n')
const CONTENT_LENGTH = /\r\ncontent-length: *(\d+)/i
const LOCATION = /\r\nlocation: *([^\r]*)/i
const CHUNKED = /\r\ntransfer-encoding: *chunked/i
const LAST_CHUNK = Buffer.from('0\r\n\r\n')

/** Where the answer in `data` ends (its head ends at headEnd), or -1 while bytes are missing; null: no length at all. */
function answerEnd (data, head, headEnd) {
  const bodyStart = headEnd + HEAD_END.length
  const length = CONTENT_LENGTH.exec(head)
  if (length !== null) {
    const end = bodyStart + Number(length[1])
    return data.length < end ? -1 : end
  }
  if (!CHUNKED.test(head)) return null
  // A chunked answer ends with the zero-length chunk; nothing is pipelined behind it.
  const last = data.lastIndexOf(LAST_CHUNK)
  const ends = last !== -1 && last + LAST_CHUNK.length === data.length && (last === bodyStart || data[last - 1] === 0x0a)
  return ends ? data.length : -1
}

/** The request's bytes: the generator's method, path, headers and body, as one write. */
function serialise ({ method, path, headers, body }) {
  let head = `${method} ${path} HTTP/1.1\r\n${HOST}`
  for (const [name, value] of Object.entries(headers ?? {})) head += `${name}: ${value}\r\n`
  if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`
  return `${head}\r\n${body ?? ''}`
}

/** Whether an answer (status, headers, body) is the one the request must get; records its ack. */
function expected (spec, status, head, body) {
  if (status !== spec.status) return false
  if (spec.location !== undefined && !(LOCATION.exec(head)?.[1] ?? '').startsWith(spec.location)) return false
  if (spec.ack !== undefined) {
    const saved = JSON.parse(body.toString('utf8'))
    if (saved.userId !== spec.ack.userId || saved.profile?.company !== spec.ack.company) return false
    acks.push(spec.ack)
  }
  return true
}

/**
 * One keep-alive socket, one request at a time. An answer is complete when its head and its
 * content-length bytes of body (or, chunked, its last chunk) have arrived; an answer with neither,
 * or a closed socket, fails the request and retires the socket.
 */
class Connection {
  #socket
  #pending
  #chunks = []
  #size = 0
  #pool

  constructor (pool) {
    this.#pool = pool
    this.#socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true })
    this.#socket.on('data', chunk => this.#received(chunk))
    this.#socket.on('error', () => this.#retire())
    this.#socket.on('close', () => this.#retire())
  }

  send (spec, done) {
    this.#pending = { spec, done, started: performance.now() }
    this.#socket.write(serialise(spec))
  }

  #received (chunk) {
    this.#chunks.push(chunk)
    this.#size += chunk.length
    const data = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#size)
    const headEnd = data.indexOf(HEAD_END)
    if (headEnd === -1) return
    const head = data.toString('latin1', 0, headEnd)
    const end = answerEnd(data, head, headEnd)
    if (end === null) return this.#retire()
    if (end === -1) return
    const pending = this.#pending
    this.#pending = undefined
    this.#chunks = data.length > end ? [data.subarray(end)] : []
    this.#size = data.length - end
    if (pending === undefined) return this.#retire()
    const ms = performance.now() - pending.started
    const ok = expected(pending.spec, Number(head.slice(9, 12)), head, data.subarray(headEnd + HEAD_END.length, end))
    this.#pool.idle.push(this)
    pending.done(ms, ok)
  }

  #retire () {
    if (this.#pool.retired.has(this)) return
    this.#pool.retired.add(this)
    this.#pool.open--
    this.#socket.destroy()
    const pending = this.#pending
    this.#pending = undefined
    const index = this.#pool.idle.indexOf(this)
    if (index !== -1) this.#pool.idle.splice(index, 1)
    pending?.done(NaN, false)
  }

  close () {
    this.#socket.destroy()
  }
}

/** Idle sockets are reused; a request with none idle opens one more, up to maxInFlight. */
const pool = { idle: [], open: 0, retired: new Set(), all: [] }
const limit = job.maxInFlight ?? 1024
function connection () {
  const idle = pool.idle.pop()
  if (idle !== undefined) return idle
  if (pool.open >= limit) return undefined
  pool.open++
  const created = new Connection(pool)
  pool.all.push(created)
  return created
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
  let settle
  const settled = new Promise(resolve => { settle = resolve })
  const started = performance.now()
  const end = started + seconds * 1000
  let sending = true
  const record = (ms, ok) => {
    inFlight--
    if (ok) latencies.push(ms)
    else errors++
    if (!sending && inFlight === 0) settle()
  }
  const send = done => {
    const socket = connection()
    if (socket === undefined) return false
    inFlight++
    socket.send(generator.next(sent++), done)
    return true
  }
  if (job.rate !== undefined) {
    for (let i = 0; ; i++) {
      const due = started + i * 1000 / job.rate
      if (due >= end) break
      const now = performance.now()
      if (due > now + 1) await new Promise(resolve => setTimeout(resolve, due - now))
      lags.push(Math.max(0, performance.now() - due))
      // A server that cannot keep up would grow the queue without bound: count those as failed.
      if (!send(record)) dropped++
    }
  } else {
    const user = (ms, ok) => {
      record(ms, ok)
      if (performance.now() < end) send(user)
    }
    for (let i = 0; i < job.users; i++) send(user)
    await new Promise(resolve => setTimeout(resolve, seconds * 1000))
  }
  sending = false
  if (inFlight > 0) {
    // Bounded: answers still missing 10 s after the phase are failures.
    await Promise.race([settled, new Promise(resolve => setTimeout(resolve, 10_000).unref())])
  }
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
    dropped,
    sockets: pool.all.length
  }
}

if (job.warmup > 0) await phase(job.warmup)
const result = await phase(job.duration)
if (job.ackFile !== undefined) await writeFile(job.ackFile, acks.map(ack => JSON.stringify(ack)).join('\n') + '\n')
for (const socket of pool.all) socket.close()
process.stdout.write(JSON.stringify(result) + '\n')
