import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { migrations } from './migrations.js'
import { queries, type Params, type QueryName } from './queries.js'
import type { Row } from './rows.js'
import type { Driver } from './sql-store.js'

/**
 * SQLite through better-sqlite3: one file, WAL journal, synchronous=FULL so a write is on disk
 * before it is acknowledged. Statements are prepared once. Reads run at once; writes are
 * committed in groups (see GroupCommit), each one acknowledged only after its group is on disk.
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
  const writes = new GroupCommit(db)
  return {
    backend: 'sqlite',
    async query (name: QueryName, params: Params): Promise<Row[]> {
      const statement = statements.get(name) as Database.Statement
      if (statement.readonly) return statement.all(params) as Row[]
      return await writes.run(statement, params)
    },
    async close (): Promise<void> {
      db.close()
    }
  }
}

interface PendingWrite {
  statement: Database.Statement
  params: Params
  resolve: (rows: Row[]) => void
  reject: (error: unknown) => void
}

/**
 * Group commit: the writes that arrive while the event loop is busy (a commit with
 * synchronous=FULL waits for the disk) are run in one transaction on the next turn and made
 * durable by one fsync, instead of one fsync each. Each write runs in its own savepoint, so one
 * that fails (a unique key, say) is rolled back and rejected alone. A write's promise settles
 * only after the commit, so acknowledged still means on disk.
 */
class GroupCommit {
  #pending: PendingWrite[] = []
  readonly #commitGroup: (group: PendingWrite[]) => Array<{ rows: Row[] } | { error: unknown }>

  constructor (db: Database.Database) {
    const one = db.transaction((write: PendingWrite): Row[] => write.statement.reader ? write.statement.all(write.params) as Row[] : (write.statement.run(write.params), []))
    this.#commitGroup = db.transaction((group: PendingWrite[]) => group.map(write => {
      try {
        return { rows: one(write) }
      } catch (error) {
        return { error }
      }
    }))
  }

  async run (statement: Database.Statement, params: Params): Promise<Row[]> {
    return await new Promise((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => this.#flush())
      this.#pending.push({ statement, params, resolve, reject })
    })
  }

  #flush (): void {
    const group = this.#pending
    this.#pending = []
    let outcomes: Array<{ rows: Row[] } | { error: unknown }>
    try {
      outcomes = this.#commitGroup(group)
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the group is on disk.
      for (const write of group) write.reject(error)
      return
    }
    outcomes.forEach((outcome, i) => {
      const write = group[i] as PendingWrite
      if ('error' in outcome) write.reject(outcome.error)
      else write.resolve(outcome.rows)
    })
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
