// Issue 16, HTTP edge: a body over limits.bodyBytes sent without `Expect: 100-continue` by Node's
// own client used to get EPIPE/ECONNRESET instead of the 413 (the server closed while the client
// was still writing). The server now half-closes and drains, boundedly, so the 413 can be read.
import { request } from 'node:http'
import { connect } from 'node:net'
import t from 'tap'
import { lingerBeforeClosing } from '../../src/http/errors.js'
import { shippedApp } from '../helpers.js'

/** Everything the client saw: the answer, if it got one, and any error until the request closed. */
async function upload (port: number, size: number): Promise<{ status?: number, body?: string, errors: string[] }> {
  const body = Buffer.alloc(size, 'a')
  return await new Promise(resolve => {
    const seen: { status?: number, body?: string, errors: string[] } = { errors: [] }
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/signup-hook', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length } }, res => {
      let text = ''
      res.on('data', chunk => { text += chunk })
      res.on('end', () => { seen.status = res.statusCode as number; seen.body = text })
    })
    req.on('error', error => { seen.errors.push((error as NodeJS.ErrnoException).code ?? error.message) })
    req.on('close', () => resolve(seen))
    req.end(body)
  })
}

t.test('a 20 MB body without Expect: 100-continue gets its 413, every time', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  for (let attempt = 1; attempt <= 5; attempt++) {
    t.same(await upload(port, 20_000_000), { status: 413, body: '{"code":"body-too-large","message":"Request body is too large"}', errors: [] }, `attempt ${attempt}: the 413 and no EPIPE/ECONNRESET`)
  }
  t.same(await upload(port, 100), { status: 400, body: '{"code":"invalid-json","message":"Request body is not valid JSON"}', errors: [] }, 'the server still answers afterwards')
})

t.test('the drain is bounded: a client that keeps the connection open is cut off', async t => {
  const app = await shippedApp()
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const started = Date.now()
  const closed = await new Promise<{ answer: string, ms: number }>(resolve => {
    // allowHalfOpen: the server's FIN after the 413 does not end this side, so it keeps writing.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
      socket.write('POST /signup-hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n')
      // Trickle bytes and never finish: only the linger bound ends this.
      const trickle = setInterval(() => { if (!socket.destroyed) socket.write('a'.repeat(1000)) }, 50)
      socket.on('close', () => clearInterval(trickle))
    })
    let answer = ''
    socket.on('data', chunk => { answer += chunk.toString() })
    socket.on('error', () => {})
    socket.on('close', () => resolve({ answer, ms: Date.now() - started }))
  })
  t.match(closed.answer, /^HTTP\/1\.1 413 /)
  t.ok(closed.ms >= 1500 && closed.ms < 6000, `closed after ${closed.ms} ms`)
})

t.test('lingerBeforeClosing destroys at once when the client closes its side first', async t => {
  const ended: string[] = []
  const socket = Object.assign(new (await import('node:events')).EventEmitter(), {
    end () { ended.push('end') },
    destroy () { ended.push('destroy') }
  }) as unknown as import('node:net').Socket
  lingerBeforeClosing(socket, 10_000)
  socket.destroySoon()
  socket.emit('end')
  t.same(ended, ['end', 'destroy'])
  socket.emit('close')
})
