/**
 * What this code knows about PostgreSQL's errors: the SQLSTATE codes it reacts to and the names
 * of the constraints whose violations mean something to a client. Services ask these questions
 * instead of comparing codes and names themselves.
 */
export const sqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  /** statement_timeout (or a cancel request) stopped the query. */
  queryCanceled: '57014',
  lockNotAvailable: '55P03'
} as const

/**
 * Errors that mean "the database is not there", not "the query is wrong": connection failures
 * (class 08), an administrator or crash shutdown (57P01-57P03), and the socket errors node-pg
 * passes through.
 */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'])

/** Constraint names from the migrations that services translate into domain errors. */
export const constraints = {
  usersEmail: 'users_email_key',
  membershipsPrimaryKey: 'memberships_pkey',
  productsTenantSku: 'products_tenant_sku_key',
  ordersLocation: 'orders_location_fkey',
  orderItemsProduct: 'order_items_product_fkey',
  tasksAssigneeMembership: 'tasks_assignee_membership_fkey'
} as const

export type ConstraintName = (typeof constraints)[keyof typeof constraints]

interface PostgresErrorFields { code?: unknown, constraint?: unknown, message?: unknown }

function fieldsOf (error: unknown): PostgresErrorFields {
  return typeof error === 'object' && error !== null ? error as PostgresErrorFields : {}
}

function hasState (error: unknown, state: string, constraint: ConstraintName | undefined): boolean {
  const { code, constraint: violated } = fieldsOf(error)
  return code === state && (constraint === undefined || violated === constraint)
}

/** unique_violation, optionally on a specific constraint. */
export function isUniqueViolation (error: unknown, constraint?: ConstraintName): boolean {
  return hasState(error, sqlState.uniqueViolation, constraint)
}

/** foreign_key_violation, optionally on a specific constraint. */
export function isForeignKeyViolation (error: unknown, constraint?: ConstraintName): boolean {
  return hasState(error, sqlState.foreignKeyViolation, constraint)
}

export function isQueryCanceled (error: unknown): boolean {
  return fieldsOf(error).code === sqlState.queryCanceled
}

export function isLockNotAvailable (error: unknown): boolean {
  return fieldsOf(error).code === sqlState.lockNotAvailable
}

/** The database (or the way to it) is down, as opposed to a failing statement. */
export function isDatabaseUnavailable (error: unknown): boolean {
  const { code, message } = fieldsOf(error)
  if (typeof code === 'string' && unavailableCodes.has(code)) return true
  return typeof message === 'string' &&
    (message.includes('timeout exceeded when trying to connect') || message.includes('Connection terminated'))
}
