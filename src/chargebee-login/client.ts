import { postToProvider, type ProviderAnswer } from '../http/client.js'
import { ErrorCode, RequestError } from '../http/errors.js'

export interface ChargebeeClientOptions {
  apiBaseUrl: string
  apiKey: string
  timeoutMs: number
}

/** The parts of Chargebee's portal_session resource the login flow uses. */
export interface PortalSession {
  id: string
  status: string
  customer_id: string
}

/** Chargebee's error body (`api_error_code` is the stable field). */
interface ChargebeeError {
  api_error_code?: string
  http_status_code?: number
}

/** What activation said: the session, or that Chargebee refused the id/token (invalid, expired, reused). */
export type Activation = { ok: true, session: PortalSession } | { ok: false, reason: string }

/**
 * Chargebee's portal_sessions API (v2) for the login flow: HTTP Basic with the API key as the user
 * name and an empty password, form-encoded bodies, JSON answers.
 */
export class ChargebeeLoginClient {
  readonly #headers: Record<string, string>

  constructor (private readonly options: ChargebeeClientOptions) {
    this.#headers = {
      authorization: `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      accept: 'application/json'
    }
  }

  private async post (path: string, form: URLSearchParams): Promise<ProviderAnswer> {
    const signal = AbortSignal.timeout(this.options.timeoutMs)
    try {
      return await postToProvider(`${this.options.apiBaseUrl}/api/v2/portal_sessions/${path}`, { headers: this.#headers, body: form.toString(), signal })
    } catch {
      throw new RequestError(signal.aborted ? 504 : 502, ErrorCode.loginUnavailable, signal.aborted ? 'Chargebee did not answer in time' : 'Chargebee could not be reached')
    }
  }

  /**
   * POST /api/v2/portal_sessions/{id}/activate with the auth_session_token. Chargebee's 400/404
   * (bad, expired or already used token; unknown id) is a refusal; anything else unexpected is a 502.
   */
  async activate (portalSessionId: string, token: string): Promise<Activation> {
    const { status, body } = await this.post(`${encodeURIComponent(portalSessionId)}/activate`, new URLSearchParams({ token }))
    const session = (body as { portal_session?: PortalSession } | undefined)?.portal_session
    if (status === 200 && session?.status === 'activated' && typeof session.customer_id === 'string' && session.customer_id !== '') {
      return { ok: true, session }
    }
    if (status === 400 || status === 404) return { ok: false, reason: `${status} ${String((body as ChargebeeError | undefined)?.api_error_code)}` }
    throw new RequestError(502, ErrorCode.loginUnavailable, `Chargebee could not activate the session (${status})`)
  }

  /** POST /api/v2/portal_sessions/{id}/logout; true when Chargebee confirmed it. */
  async logout (portalSessionId: string): Promise<boolean> {
    const { status } = await this.post(`${encodeURIComponent(portalSessionId)}/logout`, new URLSearchParams())
    return status === 200
  }
}
