import type { IncomingHttpHeaders, Server } from 'node:http'

export const API_KEY: string

export interface StoredSession {
  id: string
  token: string
  customer_id: string
  status: 'not_yet_activated' | 'activated' | 'logged_out'
  created_at: number
  expires_at: number
  login_at?: number
  logout_at?: number
}

export interface SeenRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export type Mode = 'normal' | 'hang' | 'server-error' | 'allow-reuse'

export interface FakeChargebeeOptions {
  /** The API key it accepts (HTTP Basic user name); API_KEY by default. */
  apiKey?: string
  /** Who can sign in on the portal login page: email → customer id. */
  customers?: Record<string, string>
  /** The domains return_url and cancel_url may be on (Chargebee's whitelist); none by default. */
  allowedDomains?: string[]
  host?: string
  port?: number
  /** The origin browsers reach the portal login page at; http://host:port by default. */
  publicUrl?: string
}

export class FakeChargebee {
  constructor (options?: FakeChargebeeOptions)
  readonly sessions: Map<string, StoredSession>
  readonly requests: SeenRequest[]
  mode: Mode
  url: string
  readonly server: Server
  start (): Promise<string>
  close (): Promise<void>
  /** What Chargebee does when the user signs in on its portal login page: an id and token for return_url. */
  userLogsIn (customerId: string, options?: { expired?: boolean }): { id: string, token: string }
}
