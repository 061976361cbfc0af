import { request } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../src/app.js'
import { formatProblem } from '../../../src/config/load.js'
import { loadPolicy } from '../../../src/policy/load.js'
import { repoRoot } from '../../helpers.js'

export interface Running { app: FastifyInstance, port: number }

/** Loads a shipped config (conf/…) with `env` and serves it on a real port. */
export async function serveConfig (file: string, env: NodeJS.ProcessEnv): Promise<Running> {
  const loaded = await loadPolicy(file.startsWith('/') ? file : `${repoRoot}${file}`, env)
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
  const app = await buildApp({ policy: loaded.policy, config: loaded.config, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  return { app, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

export interface RawResponse { status: number, headers: Record<string, string | string[] | undefined>, text: string }

/** One real HTTP POST with the exact bytes and headers a calling system sends. */
export async function postRaw (port: number, path: string, body: string, headers: Record<string, string>): Promise<RawResponse> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { 'content-length': Buffer.byteLength(body), ...headers } }, res => {
      let text = ''
      res.on('data', chunk => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode as number, headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The media type of a Content-Type header, as Go's mime.ParseMediaType reads it. */
export function mediaType (header: unknown): string {
  return typeof header === 'string' ? (header.split(';')[0] as string).trim().toLowerCase() : ''
}
