/* Generated from conf/auth.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * What happens when no rule decides: allow (with the roles collected so far), deny (403 denied), or a deny with its own body.
 */
export type DefaultOutcome =
  | ('allow' | 'deny')
  | {
      deny: Deny
    }
/**
 * A path into the request body: `provider`, or `data` followed by dotted keys (`data.profile.email`, `data.phones.0`).
 */
export type FieldPath = string
export type Scalar = string | number | boolean | null
/**
 * Domains inline, or a file with one domain per line (`#` starts a comment), relative to this config file.
 */
export type DomainList =
  | [string, ...string[]]
  | {
      file: string
    }

/**
 * auth-hooks configuration (conf/auth.yaml). Strings may use ${ENV_VAR} to read secrets from the environment.
 */
export interface AuthHooksConfig {
  caller: Caller
  limits?: Limits
  hooks: Hooks
}
/**
 * How a hook request proves it comes from the auth system: exactly one of none, bearer, standardWebhooks. A refused caller gets 401 unauthorized and no rule runs.
 */
export interface Caller {
  /**
   * No caller check. Must be chosen explicitly; logs a warning at start.
   */
  none?: true
  bearer?: BearerCaller
  standardWebhooks?: StandardWebhooksCaller
}
/**
 * The auth system sends `Authorization: Bearer <secret>`. Several secrets are accepted at once, for rotation.
 */
export interface BearerCaller {
  /**
   * Accepted shared secrets, from the environment (${VAR}); at least 16 characters each.
   *
   * @minItems 1
   * @maxItems 10
   */
  secrets:
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string]
    | [string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string]
}
/**
 * Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature headers; HMAC-SHA256 over the raw body), as Supabase Auth and others send them.
 */
export interface StandardWebhooksCaller {
  /**
   * Accepted signing secrets, `whsec_<base64>` or `v1,whsec_<base64>` (at least 16 key bytes), from the environment (${VAR}). Several at once for rotation.
   *
   * @minItems 1
   * @maxItems 10
   */
  secrets:
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string]
    | [string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string]
  /**
   * How far webhook-timestamp may be from now, either way; a webhook-id is remembered this long to refuse replays.
   */
  toleranceSeconds?: number
  /**
   * Most webhook-ids remembered at once; past it the oldest are forgotten first.
   */
  replayCacheSize?: number
}
export interface Limits {
  /**
   * Largest hook request body in bytes; larger bodies get 413 body-too-large.
   */
  bodyBytes?: number
  /**
   * Longest string (in characters) a regex or email condition will look at; a longer value is refused with 400 field-too-long before any regex runs.
   */
  fieldLength?: number
  /**
   * Deepest nesting of objects and arrays in a request body (the body itself is depth 1); deeper bodies get 400 json-too-deep.
   */
  jsonDepth?: number
  /**
   * Longest string or object key (in UTF-16 code units) anywhere in a request body; longer ones get 400 string-too-long.
   */
  stringLength?: number
  /**
   * Load shedding: while the event loop's mean delay is above this, every request gets 503 overloaded at once. Read at start.
   */
  eventLoopDelayMs?: number
  /**
   * The Retry-After value (seconds) sent with 503 overloaded. Read at start.
   */
  retryAfterSeconds?: number
}
/**
 * The hooks the auth system calls. A hook left out is not served (its path answers 404, so the auth system aborts).
 */
export interface Hooks {
  preSignup?: Hook
  preLogin?: Hook
}
export interface Hook {
  /**
   * URL path the auth system posts to.
   */
  path?: string
  default?: DefaultOutcome
  /**
   * Evaluated in order; the first rule that denies or allows decides. Role rules add roles and go on.
   */
  rules: Rule[]
}
/**
 * The answer sent to the auth system, which shows it to the client as is.
 */
export interface Deny {
  /**
   * A 4xx status; 403 when left out.
   */
  status?: number
  code: string
  message: string
  /**
   * Any JSON value passed to the client.
   */
  detail?: string | number | boolean | null | {} | unknown[]
}
/**
 * A named rule: when its condition holds (or always, without `when`), its one action runs.
 */
export interface Rule {
  name: string
  description?: string
  when?: Condition
  deny?: Deny
  /**
   * Stop here and let the request through (with the roles collected so far).
   */
  allow?: true
  /**
   * Roles to add (preSignup only); evaluation goes on with the next rule.
   *
   * @minItems 1
   */
  roles?: [string, ...string[]]
}
/**
 * Exactly one of: all, any, not, provider, field (with its tests), emailDomain.
 */
export interface Condition {
  /**
   * Every condition holds.
   *
   * @minItems 1
   */
  all?: [Condition, ...Condition[]]
  /**
   * At least one condition holds.
   *
   * @minItems 1
   */
  any?: [Condition, ...Condition[]]
  not?: Condition
  /**
   * The request's provider is this one or one of these.
   */
  provider?: string | [string, ...string[]]
  field?: FieldPath
  /**
   * The field is present and not null (true) or absent/null (false).
   */
  exists?: boolean
  equals?: Scalar
  /**
   * @minItems 1
   */
  in?: [Scalar, ...Scalar[]]
  /**
   * @minItems 1
   */
  notIn?: [Scalar, ...Scalar[]]
  /**
   * Compare strings case-insensitively (equals, in, notIn, matches, notMatches).
   */
  ignoreCase?: boolean
  /**
   * A JavaScript regular expression the string value must match. Patterns that can backtrack catastrophically are refused.
   */
  matches?: string
  /**
   * A regular expression the value must not match (a missing or non-string value does not match).
   */
  notMatches?: string
  minLength?: number
  maxLength?: number
  emailDomain?: EmailDomainCondition
}
/**
 * The domain of an email address is (in) or is not (notIn) in a list. An address that does not parse never matches `in` and always matches `notIn`.
 */
export interface EmailDomainCondition {
  field?: FieldPath
  in?: DomainList
  notIn?: DomainList
  /**
   * Let sub.example.com match example.com. Off unless set.
   */
  subdomains?: boolean
}
