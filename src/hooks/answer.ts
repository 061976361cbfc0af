import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Answer, Refusal } from './dialects/types.js'
import type { HookTarget } from './target.js'

export const POLICY_VERSION_HEADER = 'x-auth-hooks-policy'

/** Sends a dialect's answer: its own JSON text as application/json, or a native body through the schema serializer. */
export function sendAnswer (reply: FastifyReply, answer: Answer, version: string): FastifyReply {
  reply.code(answer.status).header(POLICY_VERSION_HEADER, version)
  if (typeof answer.body === 'string') reply.type('application/json')
  return reply.send(answer.body)
}

/** Answers auth-hooks' own refusal of a routed request in the hook's dialect. */
export function sendRefusal (request: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply {
  const target = request.hookTarget as HookTarget
  return sendAnswer(reply, target.dialect.refuse(refusal), target.policy.version)
}
