import type { Decision, HookRequest } from '../../policy/types.js'
import { requestCheck } from './request-schema.js'
import type { Answer, CompiledDialect, Dialect, Refusal } from './types.js'

/** The seed's request: `{"provider": string, "data": object}`; extra keys are ignored. */
export const nativeRequestSchema = {
  type: 'object',
  required: ['provider', 'data'],
  properties: {
    provider: { type: 'string', minLength: 1, maxLength: 200 },
    data: { type: 'object' }
  }
} as const

const check = requestCheck(nativeRequestSchema, 'Request body must be {"provider": string, "data": object}')

/**
 * The seed's protocol (../shared/seeds/002): allow 200 `{"roles": […]}`, deny the rule's 4xx
 * `{"code","message","detail"?}`. The decision objects go to the route's response serializer as
 * they are: its schemas emit only `roles`, or `code`, `message` and `detail`, in that order, so
 * the bytes are the seed's and nothing is built per request.
 */
const compiled: CompiledDialect = {
  toRequest (body) {
    return check(body) ?? body as HookRequest
  },
  answer (decision: Decision): Answer {
    return { status: decision.outcome === 'allow' ? 200 : decision.status, body: decision }
  },
  refuse (refusal: Refusal): Answer {
    return { status: refusal.status, body: refusal }
  }
}

export const native: Dialect = { requestSchema: nativeRequestSchema, compile: () => compiled }
