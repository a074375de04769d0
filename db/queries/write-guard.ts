import { sql, type RawBuilder, type SqlBool } from 'kysely'

/**
 * Conditions an UPDATE or DELETE on a versioned, tenant-owned row may carry: the versions the
 * client last saw (If-Match), and the creator the caller must be (members change only their own).
 */
export interface WriteGuard {
  versions?: number[] | undefined
  createdBy?: string | undefined
}

export function guardCondition (guard: WriteGuard): RawBuilder<SqlBool> {
  const parts = [sql`true`]
  if (guard.versions !== undefined) parts.push(sql`version = any(${guard.versions}::int[])`)
  if (guard.createdBy !== undefined) parts.push(sql`created_by = ${guard.createdBy}`)
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`
}

/** What every guarded UPDATE sets besides the changes: the next version (the new ETag) and updated_at. */
export const nextVersion = { version: sql<number>`version + 1`, updated_at: sql<string>`now()` }

/** What a rejected write needs to be explained: does the row exist, who made it, which version. */
export interface WriteTarget {
  created_by: string | null
  version: number
}
