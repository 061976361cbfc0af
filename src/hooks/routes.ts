import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCode, errorBodySchema } from '../http/errors.js'
import { decisionWriter } from '../observability/logger.js'
import type { CompiledHook, HookName, HookRequest, Policy } from '../policy/types.js'
import { authenticateCaller, verifyCallerBody } from './authenticate.js'
import { compileCaller, type CallerCheck } from './caller.js'
import { ReplayCache } from './replay-cache.js'

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
  /** The policy's caller section, compiled once per policy (secrets decoded at load, never per request). */
  caller: CallerCheck
}

/** What a policy serves, built once per policy: its hooks by path and its caller check. */
interface Served {
  paths: ReadonlyMap<string, CompiledHook>
  caller: CallerCheck
}

declare module 'fastify' {
  interface FastifyInstance {
    /** webhook-ids seen inside the tolerance window; outlives policy reloads so a reload opens no replay gap. */
    replayCache: ReplayCache
  }
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
async function hookRoutes (app: FastifyInstance): Promise<void> {
  const { policies, metrics } = app
  const writeDecision = decisionWriter(app.log)
  app.decorateRequest('hookTarget', null)
  app.decorate('replayCache', new ReplayCache())
  const lookups = new WeakMap<Policy, Served>()
  const everServed = new Map<string, HookName>()

  function servedBy (policy: Policy): Served {
    let served = lookups.get(policy)
    if (served === undefined) {
      served = { paths: new Map([...policy.hooks.values()].map(hook => [hook.path, hook])), caller: compileCaller(policy.caller) }
      for (const hook of policy.hooks.values()) everServed.set(hook.path, hook.name)
      lookups.set(policy, served)
    }
    return served
  }
  if (servedBy(policies.current).caller.mode === 'none') {
    app.log.warn('caller authentication is off (caller: {none: true}): anyone who can reach the hook URLs can call them')
  }
  policies.onChange(event => { if (event.type === 'loaded') servedBy(event.policy) })

  function routeToHook (request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const policy = policies.current
    const path = pathOf(request.url)
    const served = servedBy(policy)
    const hook = served.paths.get(path)
    if (hook === undefined) {
      const dropped = everServed.get(path)
      if (dropped === undefined || policy.hooks.has(dropped)) {
        reply.callNotFound()
        return
      }
      app.refusals.count(ErrorCode.unknownHook)
      reply.code(404).header(POLICY_VERSION_HEADER, policy.version)
        .send({ code: ErrorCode.unknownHook, message: `The ${dropped} hook is not configured` })
      return
    }
    request.hookTarget = { policy, hook, caller: served.caller }
    done()
  }

  app.post<{ Body: HookRequest }>('/*', {
    schema,
    config: { invalidRequestMessage: 'Request body must be {"provider": string, "data": object}' },
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

export default fp(hookRoutes, { name: 'auth-hooks-hooks', dependencies: ['auth-hooks-policy-store', 'auth-hooks-security'] })
