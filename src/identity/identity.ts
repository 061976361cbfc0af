import { fastifyCookie } from '@fastify/cookie'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createVerifier } from 'fast-jwt'
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type RemoteJWKSetOptions } from 'jose'
import type { Identity as IdentityConfig, IdentityJwt, IdentitySignedCookie } from '../config/types.js'
import { OriginAllowlist } from '../http/redirects.js'

/** The signed-in user: `userId` is the token's `sub`; every other claim is readable in `claims`. */
export interface Identity {
  userId: string
  claims: Readonly<Record<string, unknown>>
}

/** Why a request has no identity; logged (never the token), not shown to the user. */
export type Anonymous = 'no-credentials' | 'invalid-token' | 'invalid-cookie'

export type IdentifyResult = { ok: true, identity: Identity } | { ok: false, reason: Anonymous }

type Verify = (token: string) => Promise<JWTPayload>

const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
const BEARER = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/i
// A JWT is three base64url parts; anything else is refused before it is decoded.
const MAX_TOKEN_LENGTH = 16_384

/**
 * Builds the JWT verifier once at load: algorithms pinned, iss and aud required and fixed. A key
 * set fetched from jwksUrl is jose's (cached, refetched on an unknown kid, with a cooldown); a
 * secret or public key in the config is verified by fast-jwt, synchronously on node:crypto.
 * jose verifies through WebCrypto, whose asynchronous job cost a fifth of a portal redirect's
 * CPU for an HS256 token (measured: 31 against 5 CPU µs a verify).
 */
async function jwtVerifier (config: IdentityJwt, jwksOptions: RemoteJWKSetOptions): Promise<Verify> {
  const toleranceSeconds = config.clockToleranceSeconds ?? 5
  if (config.jwksUrl !== undefined) {
    const options = { issuer: config.issuer, audience: config.audience, clockTolerance: toleranceSeconds, algorithms: JWKS_ALGORITHMS }
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.jwksUrl), jwksOptions)
    return async token => (await jwtVerify(token, jwks, options)).payload
  }
  const verify = createVerifier({
    key: config.secret ?? config.publicKey as string,
    algorithms: [config.secret !== undefined ? 'HS256' : config.algorithm ?? 'RS256'],
    allowedIss: config.issuer,
    allowedAud: config.audience,
    requiredClaims: ['iss', 'aud'],
    clockTolerance: toleranceSeconds * 1000
  })
  return async token => verify(token) as JWTPayload
}

/** Claims from a signed cookie's value: a bare user id, or a JSON object with a string `sub`. */
function cookieClaims (value: string): Record<string, unknown> | null {
  if (!value.startsWith('{')) return value === '' ? null : { sub: value }
  try {
    // Valid JSON that starts with `{` is always an object.
    return JSON.parse(value) as Record<string, unknown>
  } catch {
    return null
  }
}

function toIdentity (claims: Record<string, unknown>): Identity | null {
  const sub = claims.sub
  if (typeof sub !== 'string' || sub === '') return null
  return { userId: sub, claims: Object.freeze({ ...claims }) }
}

// @fastify/cookie (registered by the plugin below) fills request.cookies before any handler runs.
function cookies (request: FastifyRequest): Record<string, string | undefined> {
  return request.cookies
}

export interface IdentifierOptions {
  /** jose's JWKS cache settings (cooldown, cache age, timeout); tests shorten the cooldown. */
  jwksOptions?: RemoteJWKSetOptions
}

/** Recognises the app's user from a request, as configured in the `identity` section. */
export class Identifier {
  readonly signInUrl: URL
  readonly returnParam: string
  readonly publicUrl: string | undefined
  readonly allowedOrigins: OriginAllowlist
  readonly #source: (request: FastifyRequest) => Promise<IdentifyResult>

  private constructor (config: IdentityConfig, source: (request: FastifyRequest) => Promise<IdentifyResult>) {
    this.signInUrl = new URL(config.signInUrl)
    this.returnParam = config.returnParam ?? 'redirect_url'
    this.publicUrl = config.publicUrl
    this.allowedOrigins = new OriginAllowlist(config.allowedOrigins)
    this.#source = source
  }

  static async create (config: IdentityConfig, options: IdentifierOptions = {}): Promise<Identifier> {
    if (config.jwt !== undefined) {
      const verify = await jwtVerifier(config.jwt, options.jwksOptions ?? {})
      return new Identifier(config, jwtSource(config.jwt, verify))
    }
    return new Identifier(config, signedCookieSource(config.signedCookie as IdentitySignedCookie))
  }

  identify (request: FastifyRequest): Promise<IdentifyResult> {
    return this.#source(request)
  }

  /**
   * The URL the user asked for, to come back to after signing in: publicUrl + path when
   * configured, the request's own origin only when it is an allowed origin (the Host header is
   * the client's to choose), and otherwise just the path.
   */
  returnUrlFor (request: FastifyRequest): string {
    if (this.publicUrl !== undefined) return `${this.publicUrl}${request.url}`
    const origin = `${request.protocol}://${request.host}`
    return this.allowedOrigins.has(origin) ? `${origin}${request.url}` : request.url
  }

  /** The app's sign-in page with the return URL in `returnParam`. */
  signInRedirect (request: FastifyRequest): string {
    const target = new URL(this.signInUrl)
    target.searchParams.set(this.returnParam, this.returnUrlFor(request))
    return target.href
  }
}

function jwtSource (config: IdentityJwt, verify: Verify): (request: FastifyRequest) => Promise<IdentifyResult> {
  const bearer = config.bearer ?? true
  const cookieName = config.cookie
  return async function identifyByJwt (request) {
    const authorization = bearer ? request.headers.authorization : undefined
    const fromHeader = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1]
    const token = fromHeader ?? (cookieName === undefined ? undefined : cookies(request)[cookieName])
    if (token === undefined) return { ok: false, reason: 'no-credentials' }
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid-token' }
    try {
      const identity = toIdentity(await verify(token))
      return identity === null ? { ok: false, reason: 'invalid-token' } : { ok: true, identity }
    } catch (error) {
      request.log.info({ reason: (error as { code?: string }).code ?? 'ERR_JWT_INVALID' }, 'identity: token refused')
      return { ok: false, reason: 'invalid-token' }
    }
  }
}

function signedCookieSource (config: IdentitySignedCookie): (request: FastifyRequest) => Promise<IdentifyResult> {
  const signer = fastifyCookie.signerFactory(config.secret)
  return async function identifyBySignedCookie (request) {
    const raw = cookies(request)[config.name]
    if (raw === undefined) return { ok: false, reason: 'no-credentials' }
    const unsigned = signer.unsign(raw)
    const claims = unsigned.valid ? cookieClaims(unsigned.value) : null
    const identity = claims === null ? null : toIdentity(claims)
    if (identity === null) {
      request.log.info('identity: signed cookie refused')
      return { ok: false, reason: 'invalid-cookie' }
    }
    return { ok: true, identity }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Present when the config has an `identity` section. */
    identifier: Identifier
  }
  interface FastifyRequest {
    /** The signed-in user, or null (no credentials, or credentials that do not verify). */
    identify: () => Promise<Identity | null>
  }
}

export interface IdentityPluginOptions extends IdentifierOptions {
  config: IdentityConfig
}

async function identityPlugin (app: FastifyInstance, options: IdentityPluginOptions): Promise<void> {
  // Another feature may have registered it already; cookies are parsed once either way.
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie)
  const identifier = await Identifier.create(options.config, options)
  app.decorate('identifier', identifier)
  app.decorateRequest('identify', async function (this: FastifyRequest): Promise<Identity | null> {
    const result = await identifier.identify(this)
    return result.ok ? result.identity : null
  })
}

export default fp(identityPlugin, { name: 'auth-hooks-identity', fastify: '5.x' })
