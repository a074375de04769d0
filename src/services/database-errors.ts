/** PostgreSQL's unique_violation, optionally on a specific constraint. */
export function isUniqueViolation (error: unknown, constraint?: string): boolean {
  return hasCode(error, '23505', constraint)
}

/** PostgreSQL's foreign_key_violation, optionally on a specific constraint. */
export function isForeignKeyViolation (error: unknown, constraint?: string): boolean {
  return hasCode(error, '23503', constraint)
}

function hasCode (error: unknown, sqlState: string, constraint: string | undefined): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, constraint: violated } = error as { code?: unknown, constraint?: unknown }
  return code === sqlState && (constraint === undefined || violated === constraint)
}
