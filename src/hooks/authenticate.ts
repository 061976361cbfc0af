import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { ErrorCode } from '../http/errors.js'
import type { Refusal } from './caller.js'
import { sendRefusal } from './answer.js'
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

/** Route preValidation hook: checks what needs the raw body (signature, replay) before any rule runs. */
export function verifyCallerBody (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const { caller } = request.hookTarget as HookTarget
  const refusal = caller.checkBody(request.headers, request.rawBody ?? EMPTY, request.server.replayCache, nowSeconds())
  if (refusal === null) done()
  else refuse(request, reply, refusal)
}
