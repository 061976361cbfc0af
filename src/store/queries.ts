/**
 * The store's SQL, written once with `:name` parameters and run by both backends (SQLite takes
 * `:name` as is; PostgreSQL gets `$1…` from toPositional, compiled once at open).
 * Upserts go through the primary keys and unique constraints, so concurrent writers never duplicate.
 */
export const queries = {
  saveProfile: `
    INSERT INTO profiles (user_id, data, created_at, updated_at) VALUES (:userId, :data, :now, :now)
    ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at
    RETURNING *`,
  getProfile: 'SELECT * FROM profiles WHERE user_id = :userId',
  saveConnectLink: `
    INSERT INTO connect_links (token_hash, user_id, type, account_id, expires_at)
    VALUES (:tokenHash, :userId, :type, :accountId, :expiresAt)`,
  getConnectLink: 'SELECT * FROM connect_links WHERE token_hash = :tokenHash',
  // The WHERE makes the update a no-op (no row returned) when another user owns the account.
  recordAccount: `
    INSERT INTO accounts (account_id, user_id, status, created_at, updated_at) VALUES (:accountId, :userId, :status, :now, :now)
    ON CONFLICT (account_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
    WHERE accounts.user_id = excluded.user_id
    RETURNING *`,
  setAccountStatus: 'UPDATE accounts SET status = :status, updated_at = :now WHERE account_id = :accountId RETURNING *',
  getAccount: 'SELECT * FROM accounts WHERE account_id = :accountId',
  listAccounts: 'SELECT * FROM accounts WHERE user_id = :userId ORDER BY created_at, account_id',
  createSession: `
    INSERT INTO sessions (id, customer_id, portal_session_id, created_at, expires_at)
    VALUES (:id, :customerId, :portalSessionId, :createdAt, :expiresAt)
    ON CONFLICT (portal_session_id) DO NOTHING
    RETURNING id`,
  getSession: 'SELECT * FROM sessions WHERE id = :id',
  deleteSession: 'DELETE FROM sessions WHERE id = :id RETURNING *',
  pruneConnectLinks: 'DELETE FROM connect_links WHERE expires_at < :before',
  pruneSessions: 'DELETE FROM sessions WHERE expires_at < :before',
  // A row back: recorded (new, or its earlier use has expired). No row: a replay inside the window.
  recordReplayId: `
    INSERT INTO replay_ids (id, expires_at) VALUES (:id, :expiresAt)
    ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at
    WHERE replay_ids.expires_at < :now
    RETURNING id`,
  pruneReplayIds: 'DELETE FROM replay_ids WHERE expires_at < :before',
  ping: 'SELECT 1 AS ok'
} as const

export type QueryName = keyof typeof queries
export type Params = Record<string, string | number | null>

/** `:name` → `$1`, `$2`… with the parameter names in order, for PostgreSQL. */
export function toPositional (sql: string): { text: string, names: string[] } {
  const names: string[] = []
  const text = sql.replace(/:([a-zA-Z]+)/g, (_match, name: string) => {
    let index = names.indexOf(name)
    if (index === -1) index = names.push(name) - 1
    return `$${index + 1}`
  })
  return { text, names }
}
