import type { CompiledQuery, Compilable } from 'kysely'
import { directRunner } from './direct-queries.js'
import type { Db } from './schema/index.js'

type Params = Record<string, string | number | boolean | null>

interface Template<P, Row> {
  compiled: CompiledQuery<Row>
  order: Array<keyof P>
}

/**
 * Builds the query once with marker values in place of the parameters and remembers where each
 * parameter went, so later calls only fill in values (by name, so their order cannot be mixed
 * up). `build` must pass every param to the query unchanged (no arithmetic or string work on it).
 */
function compileTemplate<P extends Params, Row> (db: Db, build: (db: Db, params: P) => Compilable<Row>, keys: Array<keyof P>): Template<P, Row> {
  const markers = Object.fromEntries(keys.map((key) => [key, `\u0000${String(key)}`])) as unknown as P
  const compiled = build(db, markers).compile()
  const order = compiled.parameters.map((value) => {
    const key = keys.find((candidate) => markers[candidate] === value)
    if (key === undefined) throw new Error(`precompiled: parameter ${String(value)} is not one of the named params`)
    return key
  })
  return { compiled, order }
}

async function runTemplate<P extends Params, Row> (db: Db, { compiled, order }: Template<P, Row>, params: P): Promise<Row[]> {
  const parameters = order.map((key) => params[key])
  // Outside a transaction, straight to the pool; inside one, on the transaction's connection.
  const direct = directRunner(db)
  if (direct !== undefined) return await direct.rows<Row>(compiled.sql, parameters)
  const result = await db.executeQuery<Row>({ ...compiled, parameters })
  return result.rows
}

/**
 * A hot query compiled once instead of on every call. Building and compiling a Kysely query tree
 * costs more CPU than PostgreSQL spends executing a primary-key lookup, so for the lookups on the
 * hottest paths the query is compiled once and each call only supplies the parameters. With the
 * named statements of db/prepared-statements.ts, PostgreSQL then only binds and executes.
 *
 * The memo holds SQL text only (the same for every app in the process), never a connection.
 */
export function precompiled<P extends Params, Row> (build: (db: Db, params: P) => Compilable<Row>) {
  let template: Template<P, Row> | undefined
  return async function run (db: Db, params: P): Promise<Row[]> {
    template ??= compileTemplate(db, build, Object.keys(params) as Array<keyof P>)
    return await runTemplate(db, template, params)
  }
}

/**
 * The same for queries whose SQL depends on options (a list with optional filters and a choice of
 * sort): one template per shape, where `keyOf` names everything that changes the SQL text (which
 * params are present, the options in `shape`). The number of shapes is bounded by the options.
 */
export function precompiledShapes<S, P extends Params, Row> (keyOf: (shape: S, params: P) => string, build: (db: Db, shape: S, params: P) => Compilable<Row>) {
  const templates = new Map<string, Template<P, Row>>()
  return async function run (db: Db, shape: S, params: P): Promise<Row[]> {
    const key = keyOf(shape, params)
    let template = templates.get(key)
    if (template === undefined) {
      template = compileTemplate(db, (handle: Db, markers: P) => build(handle, shape, markers), Object.keys(params) as Array<keyof P>)
      templates.set(key, template)
    }
    return await runTemplate(db, template, params)
  }
}
