import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { ErrorCode } from '../http/errors.js'
import type { Refusal } from './caller.js'
import { sendRefusal } from './answer.js'
import type { ReplayCheckFailed } from './replay-store.js'
import type { HookTarget } from './target.js'

const nowSeconds = (): number => Math.floor(Date.now() / 1000)
const EMPTY = Buffer.alloc(0)

function refuse (request: FastifyRequest, reply: FastifyReply, refusal: Refusal): void {
  const { caller } = request.hookTarget as HookTarget
  request.log.info({ code: ErrorCode.unauthorized, reason: refusal }, 'caller refused')
  request.server.refusals.count(ErrorCode.unauthorized, refusal)
  if (caller.challenge !== null) reply.header('www-authenticate', caller.challenge)
  sendRefusal(request, reply, { status: 401, code: ErrorCode.unauthorized, message: `Caller not authenticated: ${refusal}` })
}

/**
 * Route onRequest hook: refuses a caller on its headers alone, before the body is read. The
 * caller check is the one of the policy the request was routed by, so a reload never splits a request.
 */
export function authenticateCaller (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const refusal = (request.hookTarget as HookTarget).caller.checkHeaders(request.headers, nowSeconds())
  if (refusal === null) done()
  else refuse(request, reply, refusal)
}

/** The shared replay store did not answer: fail closed with a 503 the auth system may retry. */
function replayCheckFailed (request: FastifyRequest, reply: FastifyReply, error: ReplayCheckFailed): void {
  request.log.warn({ err: error, code: ErrorCode.replayCheckUnavailable, reason: error.reason }, 'caller refused: the replay check failed')
  request.server.refusals.count(ErrorCode.replayCheckUnavailable, error.reason)
  sendRefusal(request, reply, { status: 503, code: ErrorCode.replayCheckUnavailable, message: 'The webhook-id could not be checked against replays; try again' })
}

/**
 * Route preValidation hook: checks what needs the raw body (signature, replay) before any rule
 * runs. Synchronous unless the replay store is shared, then it waits for the database's answer.
 */
export function verifyCallerBody (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const { caller } = request.hookTarget as HookTarget
  const outcome = caller.checkBody(request.headers, request.rawBody ?? EMPTY, request.server.replayStore, nowSeconds())
  if (outcome === null) done()
  else if (typeof outcome === 'string') refuse(request, reply, outcome)
  else {
    outcome.then(refusal => {
      if (refusal === null) done()
      else refuse(request, reply, refusal)
    }, (error: ReplayCheckFailed) => replayCheckFailed(request, reply, error))
  }
}
