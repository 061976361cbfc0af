/* Generated from schema/auth.schema.json by `npm run gen:types`. Do not edit by hand. */

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
 * Values inline, or a file with one string value per line (a line starting with `#` is a comment; entries are trimmed).
 */
export type ValueList =
  | [Scalar, ...Scalar[]]
  | {
      /**
       * A list file relative to this config file, one entry per line; read at load and on every change (live reload).
       */
      file: string
    }
/**
 * Domains inline, a file with one domain per line (`#` starts a comment) relative to this config file, or a built-in list kept current by its npm package.
 */
export type DomainList =
  | [string, ...string[]]
  | {
      /**
       * A list file relative to this config file, one entry per line; read at load and on every change (live reload).
       */
      file: string
    }
  | {
      /**
       * disposable: throwaway-address providers (disposable-email-domains-js, CC0). freemail: free mailbox providers such as gmail.com and outlook.com, plus every disposable domain (free-email-domains, MIT). Subdomains of a listed domain match unless the condition sets subdomains: false.
       */
      builtin: 'disposable' | 'freemail'
    }
/**
 * Email addresses inline, or a file with one address per line (a line starting with `#` is a comment; `#` inside an address is part of it).
 */
export type AddressList =
  | [string, ...string[]]
  | {
      /**
       * A list file relative to this config file, one entry per line; read at load and on every change (live reload).
       */
      file: string
    }
/**
 * The address's local part (its content, quotes removed) contains a tag separator: user+tag@example.com. `true` reads data.email with the separators + = #. An address that does not parse fails closed; a missing field has no subaddress.
 */
export type EmailSubaddressCondition =
  | true
  | {
      field?: FieldPath
      /**
       * The tag separators, each character one; + = # when left out.
       */
      separators?: string
    }

/**
 * auth-hooks configuration (conf/auth.yaml). Strings may use ${ENV_VAR} to read secrets from the environment.
 */
export interface AuthHooksConfig {
  caller: Caller
  limits?: Limits
  server?: ServerConfig
  identity?: Identity
  portals?: Portals
  store?: StoreConfig
  profiles?: ProfilesConfig
  admin?: AdminConfig
  connect?: ConnectConfig
  chargebeeLogin?: ChargebeeLoginConfig
  hooks: Hooks
}
/**
 * How a hook request proves it comes from the auth system: exactly one of none, bearer, header, basic, standardWebhooks. A refused caller gets 401 unauthorized and no rule runs.
 */
export interface Caller {
  /**
   * No caller check. Must be chosen explicitly; logs a warning at start.
   */
  none?: true
  bearer?: BearerCaller
  header?: HeaderCaller
  basic?: BasicCaller
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
 * The auth system sends a secret as the whole value of a named header (Kratos api_key with in: header and a name other than Authorization).
 */
export interface HeaderCaller {
  /**
   * The header's name (any case).
   */
  name: string
  /**
   * Accepted values, from the environment (${VAR}); at least 16 characters each.
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
 * The auth system sends `Authorization: Basic base64(user:password)` (Kratos basic_auth).
 */
export interface BasicCaller {
  /**
   * The expected user name.
   */
  user: string
  /**
   * Accepted passwords, from the environment (${VAR}); at least 16 characters each; several while rotating.
   *
   * @minItems 1
   * @maxItems 10
   */
  passwords:
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
 * How the HTTP server presents itself to what runs around it: request ids and where /metrics is served. Read at start.
 */
export interface ServerConfig {
  /**
   * Use a well-formed incoming x-request-id (up to 128 of A-Z a-z 0-9 . _ : @ / + = -) as the request id. Only behind a proxy that sets or strips that header itself. Either way the id is sent back as x-request-id.
   */
  trustRequestId?: boolean
  metrics?: MetricsEndpoint
}
/**
 * Where GET /metrics is served: on the hook port with no check unless set. `port` moves it to a port of its own (the hook port then answers 404 there); `token` requires Authorization: Bearer <token>. Both may be set.
 */
export interface MetricsEndpoint {
  /**
   * Serve /metrics on this port instead of the hook port.
   */
  port?: number
  /**
   * Address the metrics port listens on.
   */
  host?: string
  /**
   * Bearer token a scrape must send (at least 16 characters); use ${ENV}.
   */
  token?: string
}
/**
 * How auth-hooks recognises the app's signed-in user (portals and later browser-facing features): a JWT or a signed cookie, the app's sign-in page, and the origins redirects may go to.
 */
export interface Identity {
  jwt?: IdentityJwt
  signedCookie?: IdentitySignedCookie
  /**
   * The app's sign-in page; users who are not signed in are sent here with the URL they asked for in the return parameter.
   */
  signInUrl: string
  /**
   * Name of the query parameter that carries the return URL to the sign-in page.
   */
  returnParam?: string
  /**
   * auth-hooks' own external origin (https://auth.example.com), used to build the full return URL. Without it the request's Host is used only when it is on allowedOrigins, else a path is sent.
   */
  publicUrl?: string
  /**
   * Origins (scheme://host[:port]) a user-supplied redirect URL may point to, besides relative paths.
   */
  allowedOrigins?: string[]
}
/**
 * A JWT from a cookie or an Authorization: Bearer header; `iss` and `aud` must be present and match, `exp` and `nbf` hold when present. `sub` is the user id; other claims are readable (e.g. a customer id). Exactly one of jwksUrl, secret, publicKey.
 */
export interface IdentityJwt {
  /**
   * Cookie holding the JWT (e.g. psg_auth_token).
   */
  cookie?: string
  /**
   * Also accept Authorization: Bearer <jwt> (checked before the cookie).
   */
  bearer?: boolean
  /**
   * JWKS URL of the identity provider; keys are cached and refetched when an unknown kid appears.
   */
  jwksUrl?: string
  /**
   * Shared HS256 secret (at least 32 characters); use ${ENV}.
   */
  secret?: string
  /**
   * PEM (SPKI) public key for RS256/ES256/PS256/EdDSA tokens; use ${ENV}.
   */
  publicKey?: string
  /**
   * Algorithm of publicKey.
   */
  algorithm?: 'RS256' | 'PS256' | 'ES256' | 'EdDSA'
  /**
   * Required `iss`.
   */
  issuer: string
  /**
   * Required `aud`.
   */
  audience: string
  /**
   * Allowed clock skew for exp/nbf.
   */
  clockToleranceSeconds?: number
}
/**
 * A cookie signed by the app with @fastify/cookie (value.signature). The value is the user id, or a JSON object with `sub` and other claims.
 */
export interface IdentitySignedCookie {
  /**
   * Cookie name.
   */
  name: string
  /**
   * The signing secret (at least 32 characters); use ${ENV}.
   */
  secret: string
}
/**
 * Portal sessions: each named portal is a GET route that signs the user in to a provider's hosted portal (UserHub, Chargebee, Stripe). Needs the identity section.
 */
export interface Portals {
  [k: string]: Portal
}
/**
 * One portal route: GET path → sign the user in to the provider's portal → 302 to its one-time URL.
 */
export interface Portal {
  /**
   * URL path of the portal route (e.g. /portal/billing).
   */
  path: string
  /**
   * Which provider's portal; its settings go under the key of the same name.
   */
  provider: 'userhub' | 'chargebee' | 'stripe'
  /**
   * Budget for the provider call, retries included.
   */
  timeoutMs?: number
  /**
   * Where to send the user when the provider fails (request_id and code are added); a plain error page when left out.
   */
  failureUrl?: string
  /**
   * Extra origins this portal's user-supplied URLs (portalUrl, forward_url) may point to.
   */
  allowedOrigins?: string[]
  userhub?: UserHubPortal
  chargebee?: ChargebeePortal
  stripe?: StripePortal
}
/**
 * UserHub createPortalSession. The user is `{sub}@{connectionId}`, so UserHub imports unknown users. `?portalUrl=` is passed through when safe.
 */
export interface UserHubPortal {
  /**
   * Admin API key; use ${ENV}.
   */
  adminKey: string
  /**
   * The user connection (provider) id, e.g. conn_2A4rzn...
   */
  connectionId: string
  /**
   * Where the portal's back link goes.
   */
  returnUrl?: string
  /**
   * API base URL.
   */
  apiBaseUrl?: string
}
/**
 * Chargebee portal_sessions (v2). `?forward_url=` is passed through when safe.
 */
export interface ChargebeePortal {
  /**
   * Site name ({site}.chargebee.com).
   */
  site: string
  /**
   * Full-access API key; use ${ENV}.
   */
  apiKey: string
  /**
   * redirect_url: where the user lands after logging out of the portal (at most 250 characters).
   */
  redirectUrl?: string
  /**
   * Identity claim holding the Chargebee customer id.
   */
  customerIdClaim?: string
  /**
   * API base URL; https://{site}.chargebee.com when left out.
   */
  apiBaseUrl?: string
}
/**
 * Stripe billing_portal/sessions.
 */
export interface StripePortal {
  /**
   * Secret or restricted key (sk_/rk_); use ${ENV}.
   */
  secretKey: string
  /**
   * return_url: where the portal's back link goes.
   */
  returnUrl?: string
  /**
   * Portal configuration id (bpc_...).
   */
  configuration?: string
  /**
   * flow_data[type]: open the portal on one flow. The subscription flows take the subscription from ?subscription=sub_...
   */
  flowType?: 'payment_method_update' | 'subscription_cancel' | 'subscription_update'
  /**
   * Portal locale (auto, en, fr, ...).
   */
  locale?: string
  /**
   * Identity claim holding the Stripe customer id (cus_...).
   */
  customerIdClaim?: string
  /**
   * API base URL.
   */
  apiBaseUrl?: string
}
/**
 * Where auth-hooks keeps user profiles, connected accounts and login sessions: SQLite by default (no database server), PostgreSQL instead when the DATABASE_URL environment variable is a postgres:// URL (for several replicas). Opened only when profiles, connect or chargebeeLogin is configured.
 */
export interface StoreConfig {
  /**
   * SQLite database file, relative to the working directory; created with its folder if missing. WAL journal; schema migrations run at start.
   */
  sqlitePath?: string
}
/**
 * Registration callback: the signed-in user posts their custom fields to POST /users/me; they are checked against `schema` and upserted keyed by the user id. GET /users/me reads them back.
 */
export interface ProfilesConfig {
  /**
   * JSON Schema (draft-07) for the posted object: `type: object` with `properties`. Keys not listed in properties are refused (additionalProperties is always false).
   */
  schema: {
    type: 'object'
    properties: {}
  }
  /**
   * Largest profile body in bytes; larger ones get 413 body-too-large.
   */
  maxBytes?: number
}
/**
 * The app's back end reads any user's profile with GET /admin/users/:id and `Authorization: Bearer <token>`.
 */
export interface AdminConfig {
  /**
   * Admin bearer token, at least 32 characters; use ${ENV}. Separate from every user credential.
   */
  token: string
}
/**
 * Unipile hosted auth: GET /connect sends the signed-in user to a hosted auth link, POST /connect/notify/:token records user ↔ account, POST /connect/webhook takes account-status updates, GET /me/accounts lists the user's accounts, GET /connect/reconnect?account=ID reconnects one.
 */
export interface ConnectConfig {
  /**
   * Your Unipile DSN URL (https://apiXXX.unipile.com:XXX), sent as api_url and called for links.
   */
  apiUrl: string
  /**
   * Unipile API key (X-API-KEY); use ${ENV}. Never leaves the server.
   */
  apiKey: string
  /**
   * auth-hooks' external origin (https://auth.example.com); the notify_url is built from it.
   */
  publicUrl: string
  /**
   * What the wizard offers: "*", "*:MESSAGING", "*:MAILING", "*:CALENDAR", or a list of providers, which a request may narrow with ?providers=A,B.
   */
  providers?:
    | ('*' | '*:MESSAGING' | '*:MAILING' | '*:CALENDAR')
    | [
        'LINKEDIN' | 'WHATSAPP' | 'INSTAGRAM' | 'MESSENGER' | 'TELEGRAM' | 'GOOGLE' | 'OUTLOOK' | 'TWITTER' | 'MAIL',
        ...(
          'LINKEDIN' | 'WHATSAPP' | 'INSTAGRAM' | 'MESSENGER' | 'TELEGRAM' | 'GOOGLE' | 'OUTLOOK' | 'TWITTER' | 'MAIL'
        )[]
      ]
  /**
   * How long a hosted auth link stays valid (expiresOn); its notification is accepted up to an hour after.
   */
  linkLifetimeSeconds?: number
  /**
   * success_redirect_url: where Unipile sends the user after connecting.
   */
  successRedirectUrl: string
  /**
   * failure_redirect_url: where Unipile sends the user when connecting fails.
   */
  failureRedirectUrl: string
  /**
   * Secret the account-status webhook must carry in webhookHeader (add it as a custom header when creating the webhook); use ${ENV}.
   */
  webhookSecret: string
  /**
   * Header that carries webhookSecret.
   */
  webhookHeader?: string
  /**
   * Budget for the Unipile API call.
   */
  timeoutMs?: number
}
/**
 * Chargebee as the login: GET /auth/chargebee/login sends the user to the portal login page, GET /auth/chargebee/return activates the portal session and sets a signed session cookie, POST /auth/chargebee/logout ends both. Whitelist the domains of publicUrl and cancelUrl in Chargebee.
 */
export interface ChargebeeLoginConfig {
  /**
   * Site name ({site}.chargebee.com).
   */
  site: string
  /**
   * Full-access API key; use ${ENV}.
   */
  apiKey: string
  /**
   * auth-hooks' external origin; return_url is publicUrl + /auth/chargebee/return.
   */
  publicUrl: string
  /**
   * cancel_url: where the login page's back link goes; publicUrl + / when left out.
   */
  cancelUrl?: string
  /**
   * Where a signed-in user lands when the login link had no ?next=: a path, or a URL on allowedOrigins.
   */
  afterLoginUrl?: string
  /**
   * Where the user lands after logging out: a path, or a URL on allowedOrigins.
   */
  afterLogoutUrl?: string
  /**
   * Origins that ?next=, afterLoginUrl and afterLogoutUrl may point to, besides paths.
   */
  allowedOrigins?: string[]
  /**
   * Name of the session cookie.
   */
  cookieName?: string
  /**
   * Secret that signs the session cookie (at least 32 characters); use ${ENV}.
   */
  cookieSecret: string
  /**
   * How long a session lasts: cookie Max-Age and server-side expiry.
   */
  sessionTtlSeconds?: number
  /**
   * API base URL; https://{site}.chargebee.com when left out.
   */
  apiBaseUrl?: string
  /**
   * Portal base URL; https://{site}.chargebeeportal.com when left out.
   */
  portalUrl?: string
  /**
   * Budget for each Chargebee API call.
   */
  timeoutMs?: number
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
   * URL path the auth system posts to; the dialect's default path when left out (native: /signup-hook, /login-hook).
   */
  path?: string
  /**
   * The calling system's wire format (docs/auth-systems.md). native: the seed's {provider, data} protocol. preSignup: native, supabase-before-user-created, kratos, okta-registration; preLogin: native, supabase-custom-access-token, kratos.
   */
  dialect?: 'native' | 'supabase-before-user-created' | 'supabase-custom-access-token' | 'kratos' | 'okta-registration'
  caller?: Caller
  supabase?: SupabaseOptions
  kratos?: KratosOptions
  okta?: OktaOptions
  default?: DefaultOutcome
  /**
   * Evaluated in order; the first rule that denies or allows decides. Role rules add roles and go on.
   */
  rules: Rule[]
}
/**
 * Options of the supabase-custom-access-token dialect.
 */
export interface SupabaseOptions {
  /**
   * Dotted path inside the token's claims where the roles go (an array of strings); objects on the way are kept and created when missing. RLS reads it as auth.jwt()->'app_metadata'->'roles'.
   */
  rolesClaim?: string
}
/**
 * Options of the kratos dialect.
 */
export interface KratosOptions {
  /**
   * The form field a deny message is shown under (Kratos' instance_ptr); #/ puts it on the form itself.
   */
  field?: string
}
/**
 * Options of the okta-registration dialect.
 */
export interface OktaOptions {
  /**
   * The user profile attribute (a string array you created in Okta's profile editor) the roles are written to with com.okta.user.profile.update.
   */
  rolesAttribute?: string
  /**
   * errorCauses[].location of a deny: the field the Sign-In Widget shows the message at.
   */
  location?: string
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
 * Exactly one of: all, any, not, provider, field (with its tests), emailDomain, emailAddress, emailSubaddress.
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
  in?: ValueList
  notIn?: ValueList
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
  emailAddress?: EmailAddressCondition
  emailSubaddress?: EmailSubaddressCondition
}
/**
 * The domain of an email address is (in) or is not (notIn) in a list. An address that does not parse fails closed: it never lets an allow or roles rule fire and always lets a deny rule fire. A missing field is in no list.
 */
export interface EmailDomainCondition {
  field?: FieldPath
  in?: DomainList
  notIn?: DomainList
  /**
   * Let sub.example.com match example.com. Off unless set, except for built-in lists, where it is on unless set to false.
   */
  subdomains?: boolean
}
/**
 * The address is (in) or is not (notIn) in a list of addresses. Addresses compare by mailbox: lower-cased, the domain normalised like emailDomain's, quotes dropped where they change nothing. An address that does not parse fails closed, as for emailDomain; a missing field is in no list.
 */
export interface EmailAddressCondition {
  field?: FieldPath
  in?: AddressList
  notIn?: AddressList
  /**
   * provider: compare the canonical mailbox of known providers on both sides (Gmail/Googlemail: dots and +tag dropped, googlemail.com = gmail.com; Outlook/Hotmail/Live/MSN and iCloud: +tag dropped; Yahoo: the last -tag dropped), so a listed address also matches its variants. The address sent back to the auth system is never changed.
   */
  normalize?: 'provider'
}
