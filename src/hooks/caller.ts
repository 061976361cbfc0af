import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { schemaDefault } from '../config/schema.js'
import type { BasicCaller, BearerCaller, Caller, HeaderCaller, StandardWebhooksCaller } from '../config/types.js'
import { basicCredentials, bearerToken, matchesSecret, secretDigest } from '../http/credentials.js'
import type { ReplayStore } from './replay-store.js'

export type CallerMode = 'none' | 'bearer' | 'header' | 'basic' | 'standardWebhooks'

/** Why a caller was refused (sent as the 401 message; never contains a secret). */
export type Refusal = string

/** A compiled `caller` section: secrets are decoded once, here, never per request. */
export interface CallerCheck {
  readonly mode: CallerMode
  /** Sent as WWW-Authenticate with a 401, when the scheme has one. */
  readonly challenge: string | null
  /** What the headers alone can prove; runs before the body is read. */
  checkHeaders: (headers: IncomingHttpHeaders, now: number) => Refusal | null
  /**
   * What needs the raw body (signatures, replays); runs after it is read, before any rule. A
   * promise only when the replay store is shared (PostgreSQL); it rejects when that cannot answer.
   */
  checkBody: (headers: IncomingHttpHeaders, rawBody: Buffer, replays: ReplayStore, now: number) => Refusal | null | Promise<Refusal | null>
}

const accept = (): null => null

const noCheck: CallerCheck = { mode: 'none', challenge: null, checkHeaders: accept, checkBody: accept }

/** Longest signature header and webhook-id looked at; longer ones are refused unread. */
const MAX_CREDENTIAL_LENGTH = 4096
const MAX_WEBHOOK_ID_LENGTH = 256
const MAX_SIGNATURES = 16
const TIMESTAMP = /^\d{1,15}$/
const REPLAYED = 'webhook-id was already used'
const replayRefusal = (seen: boolean): Refusal | null => seen ? REPLAYED : null

function compileBearer (config: BearerCaller): CallerCheck {
  const digests = config.secrets.map(secretDigest)
  return {
    mode: 'bearer',
    challenge: 'Bearer',
    checkHeaders (headers) {
      const token = bearerToken(headers.authorization)
      if (token === null) return 'Authorization: Bearer <secret> is required'
      return matchesSecret(token, digests) ? null : 'the bearer secret is not accepted'
    },
    checkBody: accept
  }
}

/** A secret as the whole value of a named header (Kratos `api_key` with `in: header`). */
function compileHeader (config: HeaderCaller): CallerCheck {
  const digests = config.secrets.map(secretDigest)
  const name = config.name.toLowerCase()
  return {
    mode: 'header',
    challenge: null,
    checkHeaders (headers) {
      const value = headers[name]
      if (value === undefined) return `the ${name} header is required`
      return matchesSecret(value, digests) ? null : `the ${name} secret is not accepted`
    },
    checkBody: accept
  }
}

/** `Authorization: Basic base64(user:password)` (Kratos `basic_auth`), compared whole in constant time. */
function compileBasic (config: BasicCaller): CallerCheck {
  const digests = config.passwords.map(password => secretDigest(`${config.user}:${password}`))
  return {
    mode: 'basic',
    challenge: 'Basic realm="auth-hooks"',
    checkHeaders (headers) {
      const credentials = basicCredentials(headers.authorization)
      if (credentials === null) return 'Authorization: Basic <user:password> is required'
      return matchesSecret(credentials, digests) ? null : 'the basic credentials are not accepted'
    },
    checkBody: accept
  }
}

/** The HMAC key of a `whsec_<base64>` secret (Supabase writes `v1,whsec_<base64>`). */
export function webhookKey (secret: string): KeyObject {
  const encoded = secret.replace(/^v1,/, '').replace(/^whsec_/, '')
  return createSecretKey(Buffer.from(encoded, 'base64'))
}

interface WebhookHeaders { id: string, timestamp: number, signatures: string[] }

/** `v1,<base64>` entries, separated by spaces (the spec) or ", " (Supabase); other versions are ignored. */
export function v1Signatures (header: string): string[] {
  const signatures: string[] = []
  for (const part of header.split(' ')) {
    const entry = part.endsWith(',') ? part.slice(0, -1) : part
    if (entry.startsWith('v1,')) signatures.push(entry.slice(3))
    if (signatures.length === MAX_SIGNATURES) break
  }
  return signatures
}

function webhookHeaders (headers: IncomingHttpHeaders, tolerance: number, now: number): WebhookHeaders | Refusal {
  const id = headers['webhook-id']
  const timestamp = headers['webhook-timestamp']
  const signature = headers['webhook-signature']
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    return 'webhook-id, webhook-timestamp and webhook-signature headers are required'
  }
  if (id === '' || id.length > MAX_WEBHOOK_ID_LENGTH) return `webhook-id must be 1 to ${MAX_WEBHOOK_ID_LENGTH} characters`
  if (!TIMESTAMP.test(timestamp)) return 'webhook-timestamp must be unix seconds'
  const seconds = Number(timestamp)
  if (now - seconds > tolerance) return 'webhook-timestamp is too old'
  if (seconds - now > tolerance) return 'webhook-timestamp is in the future'
  if (signature.length > MAX_CREDENTIAL_LENGTH) return 'webhook-signature is too long'
  const signatures = v1Signatures(signature)
  if (signatures.length === 0) return 'webhook-signature has no v1 signature'
  return { id, timestamp: seconds, signatures }
}

function compileStandardWebhooks (config: StandardWebhooksCaller): CallerCheck {
  const keys = config.secrets.map(webhookKey)
  const tolerance = config.toleranceSeconds ?? schemaDefault('standardWebhooksCaller', 'toleranceSeconds') as number
  const maxEntries = config.replayCacheSize ?? schemaDefault('standardWebhooksCaller', 'replayCacheSize') as number

  function signedBy (parsed: WebhookHeaders, rawBody: Buffer): boolean {
    const prefix = `${parsed.id}.${parsed.timestamp}.`
    const presented = parsed.signatures.map(signature => Buffer.from(signature))
    let match = false
    for (const key of keys) {
      const expected = Buffer.from(createHmac('sha256', key).update(prefix).update(rawBody).digest('base64'))
      for (const signature of presented) {
        match = (signature.length === expected.length && timingSafeEqual(signature, expected)) || match
      }
    }
    return match
  }

  return {
    mode: 'standardWebhooks',
    challenge: null,
    checkHeaders (headers, now) {
      const parsed = webhookHeaders(headers, tolerance, now)
      return typeof parsed === 'string' ? parsed : null
    },
    checkBody (headers, rawBody, replays, now) {
      const parsed = webhookHeaders(headers, tolerance, now)
      if (typeof parsed === 'string') return parsed
      if (!signedBy(parsed, rawBody)) return 'webhook-signature does not match'
      // Only after the signature holds, so unsigned requests cannot fill the cache (or the table).
      const seen = replays.seen(parsed.id, parsed.timestamp + tolerance, now, maxEntries)
      return typeof seen === 'boolean' ? replayRefusal(seen) : seen.then(replayRefusal)
    }
  }
}

/** Compiles the validated `caller` section (the schema guarantees exactly one mode). */
export function compileCaller (config: Caller): CallerCheck {
  if (config.bearer !== undefined) return compileBearer(config.bearer)
  if (config.header !== undefined) return compileHeader(config.header)
  if (config.basic !== undefined) return compileBasic(config.basic)
  if (config.standardWebhooks !== undefined) return compileStandardWebhooks(config.standardWebhooks)
  return noCheck
}
