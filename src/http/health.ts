import type { FastifyInstance } from 'fastify'

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
    }
  }
} as const

/**
 * Liveness (the process answers) and readiness (a policy is loaded and can decide). A refused
 * reload does not make the service unready: the last good policy keeps deciding, and the body says
 * what is wrong with the newest file.
 */
export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { response: { 200: statusSchema } } }, async () => {
    const { current, failure } = app.policies
    return {
      status: 'ready',
      policy: current.version,
      newestConfig: failure === null ? { ok: true } : { ok: false, failedAt: failure.at, problems: failure.problems }
    }
  })
}
