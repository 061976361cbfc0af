/**
 * Ory Kratos `web_hook` with `response.parse: true` (ory/kratos selfservice/hook/web_hook.go,
 * parseWebhookResponse; read at b86338da and in the stored index). Kratos has no default body:
 * conf/kratos/auth-hooks.jsonnet turns its context into the native `{provider, data}` plus a
 * `kratos` object, so only the answers are Kratos' own:
 *
 * - allow: 200 `{}` (an empty 200 body fails to decode there) [source];
 * - roles: 200 `{"identity":{"metadata_public":{…}}}`; a present field replaces the identity's
 *   whole field, so the metadata_public the request carried is merged, and traits are never sent
 *   [source];
 * - deny: a 4xx with `{"messages":[{"instance_ptr", "messages":[{id, text, type, context}]}]}`;
 *   `type: "error"` shows as an error (anything else as info), `id` must be an integer [source].
 *   429 and 5xx are retried (then 502), so a deny is never 429.
 */
import { schemaDefault } from '../../config/schema.js'
import type { KratosOptions } from '../../config/types.js'
import type { AllowDecision, DenyDecision } from '../../policy/types.js'
import { nativeRequestSchema } from './native.js'
import { denyRenderer, isObject, mergeRoles, type JsonObject } from './shared.js'
import { requestCheck } from './request-schema.js'
import type { Answer, CompiledDialect, Dialect, HookRequestOrRefusal, Refusal } from './types.js'

export const kratosRequestSchema = {
  type: 'object',
  required: ['provider', 'data'],
  properties: {
    ...nativeRequestSchema.properties,
    kratos: {
      type: 'object',
      properties: { metadata_public: { type: ['object', 'null'] } }
    }
  }
} as const

const check = requestCheck(kratosRequestSchema, 'Request body must be what conf/kratos/auth-hooks.jsonnet sends: {"provider": string, "data": object, "kratos": object}')

/**
 * Kratos' generic validation message id (text.NewValidationErrorGeneric), whose text is
 * `context.reason`: UIs that translate ids by number still print our text [source for the id;
 * inferred for third-party UIs].
 */
const GENERIC_VALIDATION_ID = 4000001

export function kratosMessages (field: string, text: string): string {
  return JSON.stringify({ messages: [{ instance_ptr: field, messages: [{ id: GENERIC_VALIDATION_ID, text, type: 'error', context: { reason: text } }] }] })
}

/** A deny's status: the rule's 4xx, except 429, which Kratos would retry (then 400). */
function denyStatus (deny: DenyDecision): number {
  return deny.status === 429 ? 400 : deny.status
}

/**
 * Own refusals keep their status (auth-hooks never refuses with 429): a 4xx fails the flow at once with the message on the form
 * (`#/`); a 5xx is retried by Kratos (3 attempts) and then fails with 502. Both fail closed.
 */
function refuse (refusal: Refusal): Answer {
  return { status: refusal.status, body: kratosMessages('#/', `auth-hooks refused the hook request: ${refusal.message}`) }
}

const ALLOW = '{}'

export const kratos: Dialect = {
  requestSchema: kratosRequestSchema,
  compile (hook): CompiledDialect {
    const options = (hook.options.kratos ?? {}) as KratosOptions
    const field = options.field ?? schemaDefault('kratosOptions', 'field') as string
    const deny = denyRenderer(hook.denials, decision => kratosMessages(field, decision.message))
    function allow (decision: AllowDecision, body: unknown): string {
      if (decision.roles.length === 0) return ALLOW
      const kratosPart = (body as { kratos?: JsonObject }).kratos
      const current = isObject(kratosPart?.metadata_public) ? kratosPart.metadata_public : {}
      return JSON.stringify({ identity: { metadata_public: { ...current, roles: mergeRoles(current.roles, decision.roles) } } })
    }
    return {
      toRequest (body): HookRequestOrRefusal {
        const refusal = check(body)
        if (refusal !== null) return refusal
        const { provider, data, kratos: kratosPart } = body as { provider: string, data: JsonObject, kratos?: JsonObject }
        // The Kratos context stays readable by path (data.kratos.flow_type); the traits cannot override it.
        return { provider, data: kratosPart === undefined ? data : { ...data, kratos: kratosPart } }
      },
      answer: (decision, body) => decision.outcome === 'allow'
        ? { status: 200, body: allow(decision, body) }
        : { status: denyStatus(decision), body: deny(decision) },
      refuse
    }
  }
}
