import { request } from 'node:http'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOptions } from '../../src/app.js'
import { serveOptionsFromEnv } from '../../src/cli/serve.js'
import { LogCapture, writeConfig } from '../helpers.js'

t.test('serve options: defaults, and PORT, HOST, AUTH_HOOKS_CONFIG override', async t => {
  t.same(serveOptionsFromEnv({}), { configFile: 'conf/auth.yaml', port: 3000, host: '0.0.0.0' })
  t.same(serveOptionsFromEnv({ PORT: '8080', HOST: '127.0.0.1', AUTH_HOOKS_CONFIG: '/app/conf/auth.yaml' }), { configFile: '/app/conf/auth.yaml', port: 8080, host: '127.0.0.1' })
})

type Shutdown = (event: { signal?: string, err?: Error }) => Promise<void>

/** serve() with the signal wiring captured, so a test can trigger a shutdown itself. */
async function serveCaptured (t: Test, configFile: string): Promise<{ app: FastifyInstance, shutdown: Shutdown, logs: LogCapture }> {
  const logs = new LogCapture()
  let app: FastifyInstance | undefined
  let shutdown: Shutdown | undefined
  const { serve } = await t.mockImport<typeof import('../../src/cli/serve.js')>('../../src/cli/serve.js', {
    'close-with-grace': (_options: unknown, handler: Shutdown) => { shutdown = handler },
    '../../src/app.js': { buildApp: async (options: AppOptions) => (app = await buildApp({ ...options, loggerInstance: logs.logger })) }
  })
  await serve({ configFile, port: 0, host: '127.0.0.1' })
  return { app: app!, shutdown: shutdown!, logs }
}

async function get (port: number, path: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, res => { res.resume(); resolve(res.statusCode as number) }).on('error', reject).end()
  })
}

t.test('serve listens on the configured host and port, and closes after an unexpected error', async t => {
  const file = await writeConfig('hooks:\n  preLogin: { rules: [] }\n')
  const { app, shutdown, logs } = await serveCaptured(t, file)
  const { port } = app.server.address() as { port: number }
  t.equal(await get(port, '/readyz'), 200)
  t.match(logs.records.find(record => record.msg === 'policy loaded'), { config: file, hooks: ['preLogin /login-hook'] })
  await shutdown({ err: new Error('uncaught somewhere') })
  t.match(logs.records.find(record => record.msg === 'closing after an unexpected error'), { level: 50, err: { message: 'uncaught somewhere' } })
  await t.rejects(get(port, '/readyz'), { code: 'ECONNREFUSED' })
})
