import pg from 'pg'
import { Kysely, PostgresDialect } from 'kysely'
import type { Database, Db } from './schema/index.js'
import { registerDirectRunner } from './direct-queries.js'
import { PreparedStatementPool } from './prepared-statements.js'
import { typeParsers } from './type-parsers.js'

export interface DatabaseOptions {
  url: string
  poolMax: number
  statementTimeoutMs: number
  connectionTimeoutMs: number
  applicationName?: string
}

export interface DatabaseHandle {
  db: Db
  pool: pg.Pool
}

export type { Database }

/** One pg pool and the Kysely instance over it. The caller owns both and must `db.destroy()`. */
export function createDatabase (options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    application_name: options.applicationName ?? 'retail-ops-api',
    // Timestamps leave PostgreSQL as UTC text, and are turned into RFC 3339 strings without a Date.
    options: '-c TimeZone=UTC',
    types: typeParsers
  })
  // An idle client that loses its connection emits 'error' on the pool; without a listener that
  // would crash the process. The next checkout simply gets a fresh connection.
  pool.on('error', () => {})
  // A checked-out client has no pool listener: when its connection drops (the database stops, a
  // proxy cuts it) pg fails the query in progress and also emits 'error' on the client, which
  // would crash the process unheard. The query's own rejection is what reports it.
  pool.on('connect', (client) => { client.on('error', () => {}) })
  const statements = new PreparedStatementPool(pool)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: statements }) })
  registerDirectRunner(db, statements)
  return { db, pool }
}
