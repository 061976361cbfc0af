import type { IncomingHttpHeaders, Server } from 'node:http'

export const API_KEY: string
export const PROVIDERS: readonly string[]

export interface LinkRequest {
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

/** What the next link request does instead of answering normally. */
export type Mode = 'normal' | 'hang' | 'server-error' | 'no-url' | 'html' | 'gateway'

export interface FakeUnipileOptions {
  /** The X-API-KEY it accepts; API_KEY by default. */
  apiKey?: string
  /** Hand out links to this server's own hosted wizard (else account.unipile.com URLs). */
  wizard?: boolean
  /** Where the account-status webhook goes, with the custom headers configured in Unipile. */
  webhook?: { url: string, headers?: Record<string, string> }
  host?: string
  port?: number
  /** The origin browsers reach the wizard at; http://host:port by default. */
  publicUrl?: string
}

export class FakeUnipile {
  constructor (options?: FakeUnipileOptions)
  readonly requests: LinkRequest[]
  mode: Mode
  linkCount: number
  readonly links: Map<number, Record<string, unknown>>
  readonly accounts: Map<string, { type: string, name: unknown, status: string }>
  readonly webhooks: Array<{ url: string, body: unknown, status: number }>
  wizard: boolean
  url: string
  readonly server: Server
  start (): Promise<string>
  close (): Promise<void>
  /** Sends the account-status webhook; resolves to the receiver's HTTP status. */
  accountStatus (accountId: string, message: string): Promise<number>
}
