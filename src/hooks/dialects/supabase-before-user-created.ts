/**
 * Supabase Auth `before-user-created` (supabase/auth internal/hooks/v0hooks/v0hooks.go
 * BeforeUserCreatedInput, api/hooks.go). Request `{metadata, user}`; the output type is empty,
 * so an allow is `{}` and no roles can travel here [source].
 */
import type { JsonObject } from './shared.js'
import { denyRenderer } from './shared.js'
import { requestCheck } from './request-schema.js'
import { supabaseData, supabaseDeny, supabaseProvider, supabaseRefusal } from './supabase.js'
import type { CompiledDialect, Dialect } from './types.js'

const strings = { type: 'string' } as const

/** Tolerant: only what the mapping reads is typed; Supabase adds fields over time. */
export const beforeUserCreatedSchema = {
  type: 'object',
  required: ['metadata', 'user'],
  properties: {
    metadata: { type: 'object' },
    user: {
      type: 'object',
      properties: {
        email: strings,
        phone: strings,
        app_metadata: { type: 'object' },
        user_metadata: { type: 'object' },
        is_anonymous: { type: 'boolean' }
      }
    }
  }
} as const

const check = requestCheck(beforeUserCreatedSchema, 'Request body must be a Supabase before-user-created payload {"metadata": object, "user": object}')
const ALLOW = '{}'

export const supabaseBeforeUserCreated: Dialect = {
  requestSchema: beforeUserCreatedSchema,
  compile (hook): CompiledDialect {
    const deny = denyRenderer(hook.denials, supabaseDeny)
    return {
      toRequest (body) {
        const refusal = check(body)
        if (refusal !== null) return refusal
        const { user } = body as { user: JsonObject }
        return { provider: supabaseProvider(user.app_metadata, user.is_anonymous), data: supabaseData(user.user_metadata, user.email, user.phone, body) }
      },
      // The table allows no roles on this dialect, so an allow never carries any.
      answer: decision => ({ status: 200, body: decision.outcome === 'allow' ? ALLOW : deny(decision) }),
      refuse: supabaseRefusal
    }
  }
}
