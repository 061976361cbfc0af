import pg from 'pg'
import { migrations } from './migrations.js'
import { queries, toPositional, type Params, type QueryName } from './queries.js'
import type { Row } from './rows.js'
import type { Driver } from './sql-store.js'

export interface PostgresOptions {
  url: string
  /** Schema the tables live in (created if missing); `public` unless set. Tests use one each. */
  schema?: string
  poolSize?: number
}

// Any constant works: it only has to be the same for every replica running migrations.
const MIGRATION_LOCK = 7_441_001

/** PostgreSQL through a pg Pool, for several replicas sharing one database. */
export async function openPostgres (options: PostgresOptions): Promise<Driver> {
  const schema = options.schema ?? 'public'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`)
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    options: `-c search_path=${schema}`
  })
  // Idle clients that lose their connection emit here; the pool replaces them on the next query.
  pool.on('error', () => {})
  try {
    await migrate(pool, schema)
  } catch (error) {
    await pool.end()
    throw error
  }
  const statements = new Map(Object.entries(queries).map(([name, sql]) => [name, toPositional(sql)]))
  return {
    backend: 'postgres',
    async query (name: QueryName, params: Params): Promise<Row[]> {
      const { text, names } = statements.get(name) as ReturnType<typeof toPositional>
      const result = await pool.query({ name, text, values: names.map(key => params[key]) })
      return result.rows
    },
    async close (): Promise<void> {
      await pool.end()
    }
  }
}

/** Applies pending migrations under an advisory lock, so replicas starting together take turns. */
async function migrate (pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`)
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)')
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations')
    for (const migration of migrations) {
      if (migration.version <= (rows[0]?.version ?? 0)) continue
      await client.query(migration.postgres)
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [migration.version, Date.now()])
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  } finally {
    client.release()
  }
}
