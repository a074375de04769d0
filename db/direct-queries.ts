import { CompiledQuery } from 'kysely'
import type { PreparedStatementPool } from './prepared-statements.js'
import type { Db } from './schema/index.js'

/**
 * The pool behind each app's Kysely instance, so precompiled lookups can run on it directly. A
 * transaction is a different object and is never found here: its queries must run on its own
 * connection, through Kysely.
 */
const runners = new WeakMap<Db, PreparedStatementPool>()

export function registerDirectRunner (db: Db, pool: PreparedStatementPool): void {
  runners.set(db, pool)
}

export function directRunner (db: Db): PreparedStatementPool | undefined {
  return runners.get(db)
}

/** Rows of a statement written as SQL text: on the pool directly when `db` is an app's instance, else on its transaction. */
export async function queryRows<R> (db: Db, text: string, values: unknown[]): Promise<R[]> {
  const direct = runners.get(db)
  if (direct !== undefined) return await direct.rows<R>(text, values)
  return (await db.executeQuery<R>(CompiledQuery.raw(text, values))).rows
}
