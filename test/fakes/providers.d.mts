import type { IncomingHttpHeaders, Server } from 'node:http'

export const USERHUB_API_VERSION: string
export function userhubPathSegment (userId: string): string

export interface ErrorAnswer { status: number, body: unknown }
export function userhubError (status: number, code: string, message: string, extra?: { reason?: string, param?: string }): ErrorAnswer
export function chargebeeError (status: number, apiErrorCode: string, message: string, extra?: { type?: string, param?: string, errorCode?: string }): ErrorAnswer
export function stripeError (status: number, type: string, message: string, extra?: { code?: string, param?: string }): ErrorAnswer

export type FakeProvider = 'userhub' | 'chargebee' | 'stripe'

export interface ScriptStep {
  delayMs?: number
  destroy?: boolean
  stallBody?: boolean
  status?: number
  body?: unknown
  headers?: Record<string, string>
}

export interface RecordedRequest {
  provider: FakeProvider
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export interface FakeProviders {
  url: string
  keys: { userhub: string, chargebee: string, stripe: string }
  customers: Set<string>
  userhubConnectionId: string
  requests: RecordedRequest[]
  sessions: Map<string, { provider: FakeProvider, used: boolean, [key: string]: unknown }>
  script: Record<FakeProvider, ScriptStep[]>
  server: Server
  close: () => Promise<void>
}

export function startFakeProviders (options: {
  keys: { userhub: string, chargebee: string, stripe: string }
  customers?: string[]
  userhubConnectionId: string
  host?: string
  port?: number
  /** The origin browsers reach the fakes at (portal page links); http://host:port by default. */
  publicUrl?: string
}): Promise<FakeProviders>
