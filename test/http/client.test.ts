// The one outbound client every provider call goes through (portal sessions, Unipile links,
// Chargebee login), against a real server on a real port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { MAX_ANSWER_BYTES, postToProvider } from '../../src/http/client.js'

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void

/** A server that runs `handler` once it has the whole request body; its URL. */
async function provider (t: Test, handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', chunk => { body += chunk })
    request.on('end', () => handler(request, body, response))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/sessions`
}

const post = (signal = AbortSignal.timeout(2000)) => ({ headers: { 'content-type': 'application/json', 'x-api-key': 'k1' }, body: '{"user":"u1"}', signal })

t.test('POSTs the body with its headers and reads the JSON answer', async t => {
  const url = await provider(t, (request, body, response) => {
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ method: request.method, path: request.url, key: request.headers['x-api-key'], type: request.headers['content-type'], body }))
  })
  t.same(await postToProvider(url, post()), {
    status: 200,
    retryAfter: null,
    body: { method: 'POST', path: '/sessions', key: 'k1', type: 'application/json', body: '{"user":"u1"}' }
  })
})

t.test('an error status comes back with its JSON body and Retry-After', async t => {
  const url = await provider(t, (_request, _body, response) => {
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"slow down"}')
  })
  t.same(await postToProvider(url, post()), { status: 429, retryAfter: '1', body: { error: 'slow down' } })
})

t.test('a redirect is an answer, never followed', async t => {
  let calls = 0
  const url = await provider(t, (_request, _body, response) => {
    calls++
    response.writeHead(302, { location: '/elsewhere' }).end()
  })
  t.same(await postToProvider(url, post()), { status: 302, retryAfter: null, body: undefined })
  t.equal(calls, 1, 'the location was not requested')
})

t.test('a body that is not JSON reads as undefined', async t => {
  const url = await provider(t, (_request, _body, response) => { response.writeHead(502).end('<html>Bad gateway</html>') })
  t.same(await postToProvider(url, post()), { status: 502, retryAfter: null, body: undefined })
})

t.test('an answer over MAX_ANSWER_BYTES reads as undefined, not into memory', async t => {
  const huge = `{"url":"${'a'.repeat(MAX_ANSWER_BYTES)}"}`
  const declared = await provider(t, (_request, _body, response) => { response.writeHead(200, { 'content-type': 'application/json' }).end(huge) })
  const chunked = await provider(t, (_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write(huge.slice(0, 1000))
    response.end(huge.slice(1000))
  })
  t.same(await postToProvider(declared, post()), { status: 200, retryAfter: null, body: undefined }, 'with a content-length')
  t.same(await postToProvider(chunked, post()), { status: 200, retryAfter: null, body: undefined }, 'chunked')
})

t.test('the signal ends a stalled answer: before its head the call rejects, during its body it reads as undefined', async t => {
  const silent = await provider(t, () => {})
  const signal = AbortSignal.timeout(100)
  await t.rejects(postToProvider(silent, post(signal)))
  t.ok(signal.aborted)

  const stalled = await provider(t, (_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    response.write('{"url":')
  })
  const started = performance.now()
  t.same(await postToProvider(stalled, post(AbortSignal.timeout(100))), { status: 200, retryAfter: null, body: undefined })
  t.ok(performance.now() - started < 2000, 'it did not wait for the body')
})

t.test('a provider that cannot be reached rejects', async t => {
  const url = await provider(t, () => {})
  const closed = url.replace(/:\d+\//, ':1/')
  await t.rejects(postToProvider(closed, post()))
})
