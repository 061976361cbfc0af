// Which store backends a test runs against: SQLite always; PostgreSQL from DATABASE_URL.
// DATABASE_URL set but unreachable fails the test (CI starts a real server, see .ci/run);
// without DATABASE_URL, PostgreSQL tests fail when PostgreSQL is installed or CI is set, and are
// skipped with a message only on a machine with no PostgreSQL at all.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openStore, type StoreOptions } from '../../src/store/index.js'
import type { Store } from '../../src/store/types.js'

export interface Backend {
  name: 'sqlite' | 'postgres'
  /** Options for a fresh, empty store of this backend (a new file or a new schema). */
  fresh (): Promise<StoreOptions>
  /** Drops what fresh() created. */
  cleanup (): Promise<void>
}

function postgresInstalled (): boolean {
  return existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0
}

export function postgresUnavailableReason (): string | null {
  if (process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '') return null
  const start = 'start one with: eval "$(scripts/test-postgres.sh start)"'
  // npm run test:unit: the inner loop runs on SQLite only; npm test and CI run both backends.
  if (process.env.AUTH_HOOKS_TEST_SQLITE_ONLY === '1') return 'the unit run (npm run test:unit) covers SQLite only'
  if (process.env.CI !== undefined || postgresInstalled()) {
    throw new Error(`DATABASE_URL is not set, so the PostgreSQL store tests cannot run; ${start}`)
  }
  return 'PostgreSQL is not installed here (apt-get install -y postgresql): PostgreSQL store tests skipped'
}

function sqliteBackend (): Backend {
  const dirs: string[] = []
  return {
    name: 'sqlite',
    async fresh () {
      const dir = mkdtempSync(join(tmpdir(), 'auth-hooks-store-'))
      dirs.push(dir)
      return { sqlitePath: join(dir, 'store.db') }
    },
    async cleanup () {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    }
  }
}

function postgresBackend (url: string): Backend {
  const schemas: string[] = []
  return {
    name: 'postgres',
    async fresh () {
      const schema = `t_${randomBytes(6).toString('hex')}`
      schemas.push(schema)
      return { databaseUrl: url, postgresSchema: schema }
    },
    async cleanup () {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.end()
    }
  }
}

/** The backends to run, and a note when PostgreSQL is skipped. */
export function backends (): { list: Backend[], skipped: string | null } {
  const skipped = postgresUnavailableReason()
  const list = [sqliteBackend()]
  if (skipped === null) list.push(postgresBackend(process.env.DATABASE_URL as string))
  return { list, skipped }
}

export async function freshStore (backend: Backend): Promise<Store> {
  return await openStore(await backend.fresh())
}
