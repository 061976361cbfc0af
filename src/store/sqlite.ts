import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { migrations } from './migrations.js'
import { queries, type Params, type QueryName } from './queries.js'
import type { Row } from './rows.js'
import type { Driver } from './sql-store.js'

/**
 * SQLite through better-sqlite3: one file, WAL journal, synchronous=FULL so a write is on disk
 * before it is acknowledged. Calls are synchronous and short; statements are prepared once.
 */
export function openSqlite (file: string): Driver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  migrate(db)
  const statements = new Map(Object.entries(queries).map(([name, sql]) => [name, db.prepare(sql)]))
  return {
    backend: 'sqlite',
    async query (name: QueryName, params: Params): Promise<Row[]> {
      const statement = statements.get(name) as Database.Statement
      if (statement.reader) return statement.all(params) as Row[]
      statement.run(params)
      return []
    },
    async close (): Promise<void> {
      db.close()
    }
  }
}

/** Applies the migrations this file has not seen yet, all in one immediate (write-locked) transaction. */
function migrate (db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)')
  db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }
    for (const migration of migrations) {
      if (migration.version <= (row.version ?? 0)) continue
      db.exec(migration.sqlite)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now())
    }
  }).immediate()
}
