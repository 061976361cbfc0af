/**
 * Supabase Auth `custom-access-token` (supabase/auth internal/tokens/service.go
 * GenerateAccessToken, validateTokenClaims). Called at every sign-in and token refresh with
 * `{metadata, user_id, claims, authentication_method}`; the answer `{"claims": {…}}` replaces the
 * token's claims whole, and aud, exp, iat, sub, email, phone, role, aal, session_id and
 * is_anonymous must be in it [source]. So every claim is echoed and only the roles are added.
 */
import { schemaDefault } from '../../config/schema.js'
import type { SupabaseOptions } from '../../config/types.js'
import type { AllowDecision } from '../../policy/types.js'
import { denyRenderer, isObject, mergeRoles, type JsonObject } from './shared.js'
import { requestCheck } from './request-schema.js'
import { supabaseData, supabaseDeny, supabaseProvider, supabaseRefusal } from './supabase.js'
import type { CompiledDialect, Dialect } from './types.js'

export const customAccessTokenSchema = {
  type: 'object',
  required: ['claims'],
  properties: {
    user_id: { type: 'string' },
    authentication_method: { type: 'string' },
    claims: {
      type: 'object',
      properties: {
        email: { type: 'string' },
        phone: { type: 'string' },
        app_metadata: { type: 'object' },
        user_metadata: { type: 'object' },
        is_anonymous: { type: 'boolean' }
      }
    }
  }
} as const

const check = requestCheck(customAccessTokenSchema, 'Request body must be a Supabase custom-access-token payload {"claims": object, …}')

/**
 * The claims with the roles merged in at `path` (the roles already there kept first). Objects on
 * the way are copied, never changed in place, and made when missing; a non-object on the way is
 * replaced by one. Roles in the token are not stored on the user [inferred].
 */
export function withRoles (claims: JsonObject, path: readonly string[], roles: readonly string[]): JsonObject {
  const [key, ...rest] = path as [string, ...string[]]
  const copy = { ...claims }
  if (rest.length === 0) copy[key] = mergeRoles(copy[key], roles)
  else copy[key] = withRoles(isObject(copy[key]) ? copy[key] : {}, rest, roles)
  return copy
}

export const supabaseCustomAccessToken: Dialect = {
  requestSchema: customAccessTokenSchema,
  compile (hook): CompiledDialect {
    const options = (hook.options.supabase ?? {}) as SupabaseOptions
    const rolesClaim = (options.rolesClaim ?? schemaDefault('supabaseOptions', 'rolesClaim') as string).split('.')
    const deny = denyRenderer(hook.denials, supabaseDeny)
    function allow (decision: AllowDecision, body: unknown): string {
      const { claims } = body as { claims: JsonObject }
      // No roles to add: the claims go back exactly as they came.
      return JSON.stringify({ claims: decision.roles.length === 0 ? claims : withRoles(claims, rolesClaim, decision.roles) })
    }
    return {
      toRequest (body) {
        const refusal = check(body)
        if (refusal !== null) return refusal
        const { claims } = body as { claims: JsonObject }
        return { provider: supabaseProvider(claims.app_metadata, claims.is_anonymous), data: supabaseData(claims.user_metadata, claims.email, claims.phone, body) }
      },
      answer: (decision, body) => ({ status: 200, body: decision.outcome === 'allow' ? allow(decision, body) : deny(decision) }),
      refuse: supabaseRefusal
    }
  }
}
