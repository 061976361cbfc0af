import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCode, errorBodySchema } from '../errors.js'
import { decisionWriter } from '../logger.js'
import type { CompiledHook, HookName, HookRequest, Policy } from '../policy/types.js'
import { authenticateCaller, verifyCallerBody } from '../security/plugin.js'

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

/** The policy and hook a request was routed by, fixed when it arrives so one policy decides it wholly. */
export interface HookTarget {
  policy: Policy
  hook: CompiledHook
}

declare module 'fastify' {
  interface FastifyRequest {
    hookTarget: HookTarget | null
  }
}

function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/**
 * POST hook routes. Every POST that no other route claims lands here and its path is looked up in
 * the policy in force (one Map get), so a reload that changes a hook's path or adds a hook applies
 * at once; a path that is not a hook answers the usual 404 before the body is read, and a path
 * whose hook a newer policy dropped answers 404 unknown-hook.
 */
export default async function hookRoutes (app: FastifyInstance): Promise<void> {
  const { policies, metrics } = app
  const writeDecision = decisionWriter(app.log)
  app.decorateRequest('hookTarget', null)
  const lookups = new WeakMap<Policy, ReadonlyMap<string, CompiledHook>>()
  const served = new Map<string, HookName>()

  /** The policy's hooks by path, built once per policy. */
  function pathsOf (policy: Policy): ReadonlyMap<string, CompiledHook> {
    let paths = lookups.get(policy)
    if (paths === undefined) {
      paths = new Map([...policy.hooks.values()].map(hook => [hook.path, hook]))
      for (const hook of policy.hooks.values()) served.set(hook.path, hook.name)
      lookups.set(policy, paths)
    }
    return paths
  }
  pathsOf(policies.current)
  policies.onChange(event => { if (event.type === 'loaded') pathsOf(event.policy) })

  function routeToHook (request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const policy = policies.current
    const path = pathOf(request.url)
    const hook = pathsOf(policy).get(path)
    if (hook === undefined) {
      const dropped = served.get(path)
      if (dropped === undefined || policy.hooks.has(dropped)) {
        reply.callNotFound()
        return
      }
      reply.code(404).header(POLICY_VERSION_HEADER, policy.version)
        .send({ code: ErrorCode.unknownHook, message: `The ${dropped} hook is not configured` })
      return
    }
    request.hookTarget = { policy, hook }
    done()
  }

  app.post<{ Body: HookRequest }>('/*', {
    schema,
    bodyLimit: policies.current.limits.bodyBytes,
    onRequest: [routeToHook, authenticateCaller],
    preValidation: verifyCallerBody
  }, function (request: FastifyRequest<{ Body: HookRequest }>, reply: FastifyReply) {
    const { policy, hook } = request.hookTarget as HookTarget
    const decision = hook.decide(request.body)
    const ms = reply.elapsedTime
    metrics.decided(hook.name, decision, ms / 1000)
    writeDecision({
      reqId: request.id,
      hook: hook.name,
      provider: request.body.provider,
      outcome: decision.outcome,
      rule: decision.rule,
      status: decision.status,
      policy: policy.version,
      ms: Math.round(ms * 1000) / 1000
    })
    return reply.code(decision.status).header(POLICY_VERSION_HEADER, policy.version).send(decision.body)
  })
}
