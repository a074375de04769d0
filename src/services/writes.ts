import type { WriteGuard, WriteTarget } from '#db/queries/write-guard.js'
import { errors, type AppError } from '../errors/index.js'
import { hasRole, requireOwnershipOrAdmin, requireRole, type AuthContext } from './auth-context.js'

/**
 * The guard for an update or delete by this caller: guests may not write at all, members only
 * what they created, admins and owners anything; `versions` come from If-Match.
 */
export function writeGuardFor (auth: AuthContext, versions: number[] | undefined): WriteGuard {
  requireRole(auth, 'member')
  return { versions, createdBy: hasRole(auth.role, 'admin') ? undefined : auth.userId }
}

/**
 * A guarded write matched no row: say why, in the order a client can act on. The happy path
 * never pays for this second read.
 */
export function rejectedWrite (notFound: () => AppError, target: WriteTarget | undefined, auth: AuthContext, versions: number[] | undefined): AppError {
  if (target === undefined) return notFound()
  requireOwnershipOrAdmin(auth, target.created_by)
  if (versions !== undefined && !versions.includes(target.version)) return errors.PRECONDITION_FAILED()
  // The row changed between the write and this read; the client should re-read and retry.
  return errors.PRECONDITION_FAILED({ reason: 'changedDuringWrite' })
}
