import type { FastifyInstance } from 'fastify'

/** How long /readyz waits for the store before calling it unreachable (probes time out at 1 s by default). */
export const STORE_PING_TIMEOUT_MS = 800

const TIMED_OUT = new Error(`the store did not answer within ${STORE_PING_TIMEOUT_MS} ms`)

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string' },
    policy: { type: 'string' },
    newestConfig: {
      description: 'Whether the newest config on disk is the policy in force, and if not, why it was refused.',
      type: 'object',
      required: ['ok'],
      properties: {
        ok: { type: 'boolean' },
        failedAt: { type: 'string' },
        problems: { type: 'array', items: { type: 'string' } }
      }
    },
    store: {
      description: 'Present when a feature keeps state: whether the database answered.',
      type: 'object',
      required: ['ok', 'backend'],
      properties: { ok: { type: 'boolean' }, backend: { type: 'string' }, error: { type: 'string' } }
    }
  }
} as const

/** The store's answer to a trivial query, within the timeout; the error says only what kind of failure. */
async function storeStatus (app: FastifyInstance): Promise<{ ok: boolean, backend: string, error?: string }> {
  const { store } = app
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), STORE_PING_TIMEOUT_MS)
  })
  const outcome = await Promise.race([store.ping(), timeout]).then(() => null, (error: unknown) => error)
  clearTimeout(timer)
  if (outcome === null) return { ok: true, backend: store.backend }
  // The driver's message (a host and port, an errno) is logged, not sent.
  app.log.warn({ err: outcome }, 'readyz: the store cannot be reached')
  return { ok: false, backend: store.backend, error: outcome === TIMED_OUT ? 'timeout' : 'unreachable' }
}

/**
 * Liveness (the process answers) and readiness (a policy is loaded and can decide, and the store,
 * when a feature keeps state, answers). A refused reload does not make the service unready: the
 * last good policy keeps deciding, and the body says what is wrong with the newest file. A store
 * that cannot be reached does: 503 until it answers again.
 */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { response: { 200: statusSchema, 503: statusSchema } } }, async (_request, reply) => {
    const { current, failure } = app.policies
    const body = {
      status: 'ready',
      policy: current.version,
      newestConfig: failure === null ? { ok: true } : { ok: false, failedAt: failure.at, problems: failure.problems }
    }
    if (!app.hasDecorator('store')) return body
    const store = await storeStatus(app)
    if (store.ok) return { ...body, store }
    return reply.code(503).send({ ...body, status: 'unavailable', store })
  })
}
