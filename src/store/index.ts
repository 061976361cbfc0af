import { resolve } from 'node:path'
import { SqlStore } from './sql-store.js'
import { openSqlite } from './sqlite.js'
import type { Store } from './types.js'

export type { Account, ConnectLink, Profile, Session, Store } from './types.js'

export const DEFAULT_SQLITE_PATH = 'data/auth-hooks.db'

export interface StoreOptions {
  /** SQLite file; relative paths are resolved from the working directory. */
  sqlitePath?: string
  /** `postgres://…` or `postgresql://…` selects PostgreSQL (normally from DATABASE_URL). */
  databaseUrl?: string
  /** PostgreSQL schema for the tables (tests give each run its own). */
  postgresSchema?: string
  /** How often the store plugin deletes expired connect links and sessions (tests shorten it). */
  pruneEveryMs?: number
}

/** True for the URLs that select PostgreSQL. */
export function isPostgresUrl (url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url)
}

/** Opens the configured store and runs its migrations: PostgreSQL when a postgres URL is given, SQLite otherwise. */
export async function openStore (options: StoreOptions): Promise<Store> {
  if (isPostgresUrl(options.databaseUrl)) {
    // Loaded only here: pg is a tenth of a second of start-up that SQLite deployments never use.
    const { openPostgres } = await import('./postgres.js')
    try {
      return new SqlStore(await openPostgres({ url: options.databaseUrl, ...(options.postgresSchema === undefined ? {} : { schema: options.postgresSchema }) }))
    } catch (error) {
      // not the URL itself: it carries the password
      throw new Error(`cannot open the PostgreSQL store (DATABASE_URL): ${(error as Error).message}`, { cause: error })
    }
  }
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)')
  }
  const file = options.sqlitePath ?? DEFAULT_SQLITE_PATH
  try {
    return new SqlStore(openSqlite(file === ':memory:' ? file : resolve(file)))
  } catch (error) {
    throw new Error(`cannot open the SQLite store at ${file}: ${(error as Error).message} (store.sqlitePath names a file in a writable folder)`, { cause: error })
  }
}
