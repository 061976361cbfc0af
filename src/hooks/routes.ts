import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCode, errorBodySchema } from '../errors.js'
import { decisionLogger } from '../logger.js'
import type { Decision, HookName, HookRequest } from '../policy/types.js'

export const POLICY_VERSION_HEADER = 'x-auth-hooks-policy'

const hookRequestSchema = {
  type: 'object',
  required: ['provider', 'data'],
  properties: {
    provider: { type: 'string', minLength: 1, maxLength: 200 },
    data: { type: 'object' }
  }
} as const

const allowSchema = {
  type: 'object',
  required: ['roles'],
  properties: { roles: { type: 'array', items: { type: 'string' } } }
} as const

const schema = {
  body: hookRequestSchema,
  response: { 200: allowSchema, '4xx': errorBodySchema, '5xx': errorBodySchema }
}

function unknownHook (hook: HookName): Decision {
  return {
    outcome: 'deny',
    status: 404,
    body: { code: ErrorCode.unknownHook, message: `The ${hook} hook is not configured` },
    rule: null
  }
}

/** POST routes for each configured hook; the answer comes from the policy in force at that moment. */
export default async function hookRoutes (app: FastifyInstance): Promise<void> {
  const { policies } = app
  const { limits } = policies.current
  const decisions = decisionLogger(app.log)
  for (const { name, path } of policies.current.hooks.values()) {
    app.post<{ Body: HookRequest }>(path, { schema, bodyLimit: limits.bodyBytes }, function (request: FastifyRequest<{ Body: HookRequest }>, reply: FastifyReply) {
      const policy = policies.current
      const hook = policy.hooks.get(name)
      const decision = hook === undefined ? unknownHook(name) : hook.decide(request.body)
      decisions.info({
        reqId: request.id,
        hook: name,
        provider: request.body.provider,
        outcome: decision.outcome,
        rule: decision.rule,
        status: decision.status,
        policy: policy.version,
        ms: Math.round(reply.elapsedTime * 1000) / 1000
      }, 'decision')
      return reply.code(decision.status).header(POLICY_VERSION_HEADER, policy.version).send(decision.body)
    })
  }
}
