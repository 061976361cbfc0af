import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

export const ISSUER = 'https://id.example.com/'
export const AUDIENCE = 'app_123'
export const HS_SECRET = 'test-secret-that-is-at-least-32-characters-long'

export interface SignOptions {
  key?: CryptoKey | Uint8Array
  alg?: string
  kid?: string
  issuer?: string
  audience?: string
  expiresIn?: string | number
  claims?: JWTPayload
}

/** A JWT signed like the app's identity provider would (HS256 with the shared secret by default). */
export async function signToken (sub: string | undefined, options: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT({ ...(sub === undefined ? {} : { sub }), ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', ...(options.kid === undefined ? {} : { kid: options.kid }) })
    .setIssuedAt()
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime(options.expiresIn ?? '10m')
  return jwt.sign(options.key ?? new TextEncoder().encode(HS_SECRET))
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken (sub: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 })}.`
}

export interface KeyPair {
  kid: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  jwk: JWK
}

export async function rsaKey (kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  return { kid, privateKey, publicKey, jwk: { ...await exportJWK(publicKey), kid, alg: 'RS256', use: 'sig' } }
}

/** A JWKS endpoint on loopback serving whichever keys are current; counts its fetches. */
export class JwksServer {
  keys: KeyPair[] = []
  fetches = 0
  readonly server: Server

  constructor () {
    this.server = createServer((request, response) => {
      this.fetches++
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ keys: this.keys.map(key => key.jwk) }))
    })
  }

  async start (): Promise<string> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`
  }

  async close (): Promise<void> {
    this.server.close()
    await once(this.server, 'close')
  }
}
