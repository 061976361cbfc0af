// What every fake in test/fakes shares: an HTTP server on options.host/port (loopback and a free
// port by default) answering through the subclass's `handle(request, response)`.
import { once } from 'node:events'
import { createServer } from 'node:http'

export class FakeServer {
  url = ''

  constructor (options = {}) {
    this.options = options
    this.server = createServer((request, response) => { this.handle(request, response).catch(() => response.destroy()) })
  }

  /** Listens; returns the browser-facing URL (options.publicUrl, else the address listened on). */
  async start () {
    this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1')
    await once(this.server, 'listening')
    this.url = this.options.publicUrl ?? `http://${this.options.host ?? '127.0.0.1'}:${this.server.address().port}`
    return this.url
  }

  async close () {
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }
}
