import { postToProvider, type ProviderAnswer } from '../http/client.js'
import { ErrorCode, RequestError } from '../http/errors.js'

export const UNIPILE_PROVIDERS = ['LINKEDIN', 'WHATSAPP', 'INSTAGRAM', 'MESSENGER', 'TELEGRAM', 'GOOGLE', 'OUTLOOK', 'TWITTER', 'MAIL'] as const

export interface HostedLinkRequest {
  type: 'create' | 'reconnect'
  /** "*", "*:MESSAGING"… or a list; only sent with `create`. */
  providers: string | string[]
  expiresOn: Date
  /** Our user id; Unipile echoes it to notify_url. */
  name: string
  notifyUrl: string
  successRedirectUrl: string
  failureRedirectUrl: string
  /** The account to reconnect (type reconnect). */
  reconnectAccount?: string
}

export interface UnipileOptions {
  apiUrl: string
  apiKey: string
  timeoutMs: number
}

/** Unipile's error body: `{"status":400,"type":"errors/invalid_parameters","title","detail"}`. */
interface UnipileError {
  status?: number
  type?: string
  title?: string
}

/**
 * Unipile's hosted auth API: POST {DSN}/api/v1/hosted/accounts/link with X-API-KEY. The key stays
 * here; the browser only ever sees the link Unipile returns.
 */
export class UnipileClient {
  readonly #endpoint: string

  constructor (private readonly options: UnipileOptions) {
    this.#endpoint = `${options.apiUrl}/api/v1/hosted/accounts/link`
  }

  /** The request body exactly as Unipile takes it; expiresOn has millisecond (3-digit) precision. */
  body (request: HostedLinkRequest): Record<string, unknown> {
    return {
      type: request.type,
      ...(request.type === 'create' ? { providers: request.providers } : { reconnect_account: request.reconnectAccount }),
      api_url: this.options.apiUrl,
      expiresOn: request.expiresOn.toISOString(),
      name: request.name,
      success_redirect_url: request.successRedirectUrl,
      failure_redirect_url: request.failureRedirectUrl,
      notify_url: request.notifyUrl
    }
  }

  /** Creates a hosted auth link and returns its URL; a RequestError (502/504) when Unipile fails. */
  async createHostedLink (request: HostedLinkRequest): Promise<string> {
    const signal = AbortSignal.timeout(this.options.timeoutMs)
    let answer: ProviderAnswer
    try {
      answer = await postToProvider(this.#endpoint, {
        headers: { 'X-API-KEY': this.options.apiKey, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(this.body(request)),
        signal
      })
    } catch {
      throw new RequestError(signal.aborted ? 504 : 502, ErrorCode.connectUnavailable, signal.aborted ? 'Unipile did not answer in time' : 'Unipile could not be reached')
    }
    const body = answer.body as (UnipileError & { object?: string, url?: unknown }) | undefined
    if (answer.status < 200 || answer.status > 299) {
      throw new RequestError(502, ErrorCode.connectRefused, `Unipile refused the link request (${answer.status} ${body?.type ?? 'no error type'})`)
    }
    if (body?.object !== 'HostedAuthURL' || typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) {
      throw new RequestError(502, ErrorCode.connectUnavailable, 'Unipile answered without a hosted auth URL')
    }
    return body.url
  }
}
