/**
 * Okta registration inline hook. Okta's server is closed source: every fact here is [docs]
 * (okta/okta-developer-docs docs/reference/registration-hook, the management OpenAPI in
 * okta/okta-sdk-dotnet, okta/okta-hooks-sdk-java):
 *
 * - allow: `{"commands":[{"type":"com.okta.action.update","value":{"registration":"ALLOW"}}]}`;
 * - deny: always HTTP 200 with the DENY command and an `error` whose `errorCauses` name the field
 *   the Sign-In Widget shows the message at ("don't use HTTP status codes to return information");
 * - roles: `com.okta.user.profile.update` of an attribute that must already exist in the user
 *   profile (a hook cannot create one), on self-service registration only;
 * - Okta waits 3 s, retries once (never after a 2xx or 4xx) and denies on failure.
 */
import { schemaDefault } from '../../config/schema.js'
import type { OktaOptions } from '../../config/types.js'
import type { AllowDecision, DenyDecision } from '../../policy/types.js'
import { denyRenderer, isObject, ruleData, type JsonObject } from './shared.js'
import { requestCheck } from './request-schema.js'
import type { Answer, CompiledDialect, Dialect, Refusal } from './types.js'

export const oktaRequestSchema = {
  type: 'object',
  required: ['data'],
  properties: {
    eventType: { type: 'string' },
    requestType: { type: 'string' },
    data: {
      type: 'object',
      properties: {
        userProfile: { type: ['object', 'null'] },
        userProfileUpdate: { type: ['object', 'null'] },
        context: { type: 'object' }
      }
    }
  }
} as const

const check = requestCheck(oktaRequestSchema, 'Request body must be an Okta registration inline hook payload {"data": object, …}')

const command = (registration: 'ALLOW' | 'DENY'): JsonObject => ({ type: 'com.okta.action.update', value: { registration } })
const ALLOW = JSON.stringify({ commands: [command('ALLOW')] })
const SELF_SERVICE = 'self.service.registration'

function oktaDeny (message: string, reason: string, location: string): string {
  return JSON.stringify({
    commands: [command('DENY')],
    error: { errorSummary: message, errorCauses: [{ errorSummary: message, reason, locationType: 'body', location, domain: 'end-user' }] }
  })
}

/**
 * The profile rules read: self-service registration sends `userProfile`; progressive profiling
 * sends the stored profile (`context.user.profile`) and the delta (`userProfileUpdate`) [docs].
 */
function profileOf (data: JsonObject): JsonObject {
  if (isObject(data.userProfile)) return data.userProfile
  const context = isObject(data.context) ? data.context : {}
  const stored = isObject(context.user) && isObject(context.user.profile) ? context.user.profile : {}
  return { ...stored, ...(isObject(data.userProfileUpdate) ? data.userProfileUpdate : {}) }
}

/**
 * Own refusals: a 401 keeps its status (the caller is not Okta; Okta denies on any failure);
 * everything else is Okta's in-band deny, so the user sees our reason rather than Okta's
 * generic error page.
 */
function refuse (refusal: Refusal): Answer {
  const body = oktaDeny(`auth-hooks refused the hook request: ${refusal.message}`, refusal.code, 'data')
  return { status: refusal.status === 401 ? 401 : 200, body }
}

export const oktaRegistration: Dialect = {
  requestSchema: oktaRequestSchema,
  compile (hook): CompiledDialect {
    const options = (hook.options.okta ?? {}) as OktaOptions
    const attribute = options.rolesAttribute ?? schemaDefault('oktaOptions', 'rolesAttribute') as string
    const location = options.location ?? schemaDefault('oktaOptions', 'location') as string
    const deny = denyRenderer(hook.denials, (decision: DenyDecision) => oktaDeny(decision.message, decision.code, location))
    function allow (decision: AllowDecision, body: unknown): string {
      // Profile updates apply to self-service registration only [docs].
      if (decision.roles.length === 0 || (body as { requestType?: unknown }).requestType !== SELF_SERVICE) return ALLOW
      return JSON.stringify({ commands: [command('ALLOW'), { type: 'com.okta.user.profile.update', value: { [attribute]: decision.roles } }] })
    }
    return {
      toRequest (body) {
        const refusal = check(body)
        if (refusal !== null) return refusal
        const profile = profileOf((body as { data: JsonObject }).data)
        // Okta registration is by email address: rules written for the email provider apply [inferred].
        return { provider: 'email', data: ruleData(profile, profile.email, profile.mobilePhone, 'okta', body) }
      },
      answer: (decision, body) => ({ status: 200, body: decision.outcome === 'allow' ? allow(decision, body) : deny(decision) }),
      refuse
    }
  }
}
