/**
 * Schema migrations, applied in order at start. Append new ones; never edit an applied one.
 * Each has a SQLite and a PostgreSQL form because their types differ (JSONB, BIGINT).
 */
export interface Migration {
  version: number
  sqlite: string
  postgres: string
}

export const migrations: Migration[] = [
  {
    version: 1,
    sqlite: `
      CREATE TABLE profiles (
        user_id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX accounts_by_user ON accounts (user_id, created_at);
      CREATE TABLE connect_links (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        type TEXT NOT NULL,
        account_id TEXT,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        portal_session_id TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );`,
    postgres: `
      CREATE TABLE profiles (
        user_id TEXT PRIMARY KEY,
        data JSONB NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX accounts_by_user ON accounts (user_id, created_at);
      CREATE TABLE connect_links (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        type TEXT NOT NULL,
        account_id TEXT,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        portal_session_id TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );`
  },
  {
    // Expired links and sessions are pruned by expiry (Store.prune).
    version: 2,
    sqlite: `
      CREATE INDEX connect_links_by_expiry ON connect_links (expires_at);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);`,
    postgres: `
      CREATE INDEX connect_links_by_expiry ON connect_links (expires_at);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);`
  },
  {
    // Standard Webhooks ids accepted by any replica (src/hooks/replay-store.ts); pruned by expiry.
    version: 3,
    sqlite: `
      CREATE TABLE replay_ids (
        id TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX replay_ids_by_expiry ON replay_ids (expires_at);`,
    postgres: `
      CREATE TABLE replay_ids (
        id TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX replay_ids_by_expiry ON replay_ids (expires_at);`
  }
]
