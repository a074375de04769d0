import { sql, type RawBuilder, type SqlBool } from 'kysely'

/** A LIKE pattern matching `term` anywhere, with the term's own % _ and \ taken literally. */
export function containsPattern (term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

/**
 * `lower(column) like '%term%'`: a case-insensitive substring match that a trigram index on
 * `lower(column)` serves. The term is a bound parameter, never SQL.
 */
export function containsTerm (column: string, term: string): RawBuilder<SqlBool> {
  return matchesPattern(column, containsPattern(term))
}

/** `lower(column) like pattern`, with a pattern from containsPattern. */
export function matchesPattern (column: string, pattern: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern}`
}

/** The order of a list: one allow-listed field; queries break ties on id in the same direction. */
export interface SortOrder<F extends string> {
  field: F
  direction: 'asc' | 'desc'
}
