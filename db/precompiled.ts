import type { CompiledQuery, Compilable } from 'kysely'
import { directRunner } from './direct-queries.js'
import type { Db } from './schema/index.js'

type Params = Record<string, string | number | boolean | null>

/**
 * A hot query compiled once instead of on every call. Building and compiling a Kysely query tree
 * costs more CPU than PostgreSQL spends executing a primary-key lookup, so for the few lookups on
 * the hottest paths the query is built once with marker values, and each call only supplies the
 * parameters (by name, so their order cannot be mixed up). Together with the named statements of
 * db/prepared-statements.ts, PostgreSQL then only binds and executes.
 *
 * The memo holds SQL text only (the same for every app in the process), never a connection.
 */
export function precompiled<P extends Params, Row> (build: (db: Db, params: P) => Compilable<Row>) {
  let template: { compiled: CompiledQuery<Row>, order: Array<keyof P> } | undefined

  function compileTemplate (db: Db, keys: Array<keyof P>): { compiled: CompiledQuery<Row>, order: Array<keyof P> } {
    const markers = Object.fromEntries(keys.map((key) => [key, `\u0000${String(key)}`])) as P
    const compiled = build(db, markers).compile()
    const order = compiled.parameters.map((value) => {
      const key = keys.find((candidate) => markers[candidate] === value)
      if (key === undefined) throw new Error(`precompiled: parameter ${String(value)} is not one of the named params`)
      return key
    })
    return { compiled, order }
  }

  return async function run (db: Db, params: P): Promise<Row[]> {
    template ??= compileTemplate(db, Object.keys(params) as Array<keyof P>)
    const { compiled, order } = template
    const parameters = order.map((key) => params[key])
    // Outside a transaction, straight to the pool; inside one, on the transaction's connection.
    const direct = directRunner(db)
    if (direct !== undefined) return await direct.rows<Row>(compiled.sql, parameters)
    const result = await db.executeQuery<Row>({ ...compiled, parameters })
    return result.rows
  }
}
