import type { Account, ConnectLink, Profile, Session } from './types.js'

/** Column names as both databases return them; numbers may arrive as strings from BIGINT. */
export type Row = Record<string, unknown>

export function toProfile (row: Row): Profile {
  const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data
  return { userId: String(row.user_id), data, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) }
}

export function toAccount (row: Row): Account {
  return {
    accountId: String(row.account_id),
    userId: String(row.user_id),
    status: String(row.status),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at)
  }
}

export function toConnectLink (row: Row): ConnectLink {
  return {
    tokenHash: String(row.token_hash),
    userId: String(row.user_id),
    type: row.type === 'reconnect' ? 'reconnect' : 'create',
    accountId: row.account_id === null ? null : String(row.account_id),
    expiresAt: Number(row.expires_at)
  }
}

export function toSession (row: Row): Session {
  return {
    id: String(row.id),
    customerId: String(row.customer_id),
    portalSessionId: String(row.portal_session_id),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at)
  }
}
