import type { FastifyInstance } from 'fastify'

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, policy: { type: 'string' } }
} as const

/** Liveness (the process answers) and readiness (a policy is loaded and can decide). */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { response: { 200: statusSchema } } }, async () => ({
    status: 'ready',
    policy: app.policies.current.version
  }))
}
