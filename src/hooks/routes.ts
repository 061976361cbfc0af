import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCode, errorBodySchema, recordErrorReply, replyWithError, toErrorReply } from '../http/errors.js'
import { decisionWriter } from '../observability/logger.js'
import type { Caller } from '../config/types.js'
import type { HookName, Policy } from '../policy/types.js'
import { authenticateCaller, verifyCallerBody } from './authenticate.js'
import { compileCaller, type CallerCheck } from './caller.js'
import { DIALECTS } from './dialects/table.js'
import { POLICY_VERSION_HEADER, sendAnswer, sendRefusal } from './answer.js'
import { isRefusal } from './dialects/types.js'
import type { HookTarget } from './target.js'
import { ReplayCache } from './replay-cache.js'
import { StoreReplayIds, type ReplayStore } from './replay-store.js'

export { POLICY_VERSION_HEADER }

const allowSchema = {
  type: 'object',
  required: ['roles'],
  properties: { roles: { type: 'array', items: { type: 'string' } } }
} as const

// The native dialect's answers. Every other dialect answers JSON it serialised itself (a string),
// which Fastify sends as is; the request body is checked by each hook's dialect, not here.
const schema = {
  response: { 200: allowSchema, '4xx': errorBodySchema, '5xx': errorBodySchema }
}

/** What a policy serves, built once per policy: its hooks by path, each with its caller check and dialect. */
type Served = ReadonlyMap<string, HookTarget>

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * webhook-ids seen inside the tolerance window; outlives policy reloads so a reload opens no
     * replay gap. In the store when it is PostgreSQL (shared by every replica), in memory otherwise.
     */
    replayStore: ReplayStore
  }
}

function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/**
 * Errors while reading a routed hook request (invalid JSON, 413, 415, limits, a bug): the
 * native dialect answers exactly as every other route does; any other dialect renders the same
 * refusal in its system's shape.
 */
function hookErrorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // Only the hook route uses this handler, and routeToHook runs first: a target is always set.
  const target = request.hookTarget as HookTarget
  if (target.hook.dialect === 'native') return replyWithError(error, request, reply)
  const { status, body } = toErrorReply(error, request)
  recordErrorReply(error, request, status, body)
  return sendRefusal(request, reply, { status, ...body })
}

/**
 * POST hook routes. Every POST that no other route claims lands here and its path is looked up in
 * the policy in force (one Map get), so a reload that changes a hook's path, dialect or caller
 * applies at once; a path that is not a hook answers the usual 404 before the body is read, and a
 * path whose hook a newer policy dropped answers 404 unknown-hook.
 */
async function hookRoutes (app: FastifyInstance): Promise<void> {
  const { policies, metrics } = app
  const writeDecision = decisionWriter(app.log)
  app.decorateRequest('hookTarget', null)
  // buildApp opens the store before this plugin when PostgreSQL and a signed caller are configured.
  const shared = app.hasDecorator('store') && app.store.backend === 'postgres'
  const replayStore: ReplayStore = shared ? new StoreReplayIds(app.store) : new ReplayCache()
  app.decorate('replayStore', replayStore)
  if (shared) app.log.info('webhook-ids are kept in PostgreSQL: a replay is refused by every replica')
  const lookups = new WeakMap<Policy, Served>()
  const everServed = new Map<string, HookName>()

  function servedBy (policy: Policy): Served {
    let served = lookups.get(policy)
    if (served === undefined) {
      const callers = new Map<Caller, CallerCheck>()
      const targets = new Map<string, HookTarget>()
      for (const hook of policy.hooks.values()) {
        let caller = callers.get(hook.caller)
        if (caller === undefined) {
          caller = compileCaller(hook.caller)
          callers.set(hook.caller, caller)
        }
        targets.set(hook.path, { policy, hook, caller, dialect: DIALECTS[hook.dialect].compile(hook) })
        everServed.set(hook.path, hook.name)
      }
      served = targets
      lookups.set(policy, served)
    }
    return served
  }
  for (const { hook, caller } of servedBy(policies.current).values()) {
    if (caller.mode === 'none') {
      app.log.warn(`caller authentication is off for ${hook.name} (caller: {none: true}): anyone who can reach ${hook.path} can call it`)
    }
  }
  policies.onChange(event => { if (event.type === 'loaded') servedBy(event.policy) })

  function routeToHook (request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const policy = policies.current
    const path = pathOf(request.url)
    const target = servedBy(policy).get(path)
    if (target === undefined) {
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
    request.hookTarget = target
    done()
  }

  await app.register(async function hookRoute (routes) {
    routes.setErrorHandler(hookErrorHandler)
    routes.post('/*', {
      schema,
      bodyLimit: policies.current.limits.bodyBytes,
      onRequest: [routeToHook, authenticateCaller],
      preValidation: verifyCallerBody
    }, function (request: FastifyRequest, reply: FastifyReply) {
      const { policy, hook, dialect } = request.hookTarget as HookTarget
      const hookRequest = dialect.toRequest(request.body)
      if (isRefusal(hookRequest)) {
        request.log.info({ code: hookRequest.code, status: hookRequest.status, dialect: hook.dialect }, 'request refused')
        app.refusals.count(hookRequest.code)
        return sendRefusal(request, reply, hookRequest)
      }
      const decision = hook.decide(hookRequest)
      const ms = reply.elapsedTime
      metrics.decided(hook, decision, ms / 1000)
      writeDecision({
        reqId: request.id,
        hook: hook.name,
        dialect: hook.dialect,
        provider: hookRequest.provider,
        outcome: decision.outcome,
        rule: decision.rule,
        status: decision.outcome === 'allow' ? 200 : decision.status,
        policy: policy.version,
        ms: Math.round(ms * 1000) / 1000
      })
      return sendAnswer(reply, dialect.answer(decision, request.body), policy.version)
    })
  })
}

export default fp(hookRoutes, { name: 'auth-hooks-hooks', dependencies: ['auth-hooks-policy-store', 'auth-hooks-security'] })
