import { findTenant } from '#db/queries/tenants.js'
import { listUserTenants } from '#db/queries/memberships.js'
import { lockSessionsOf, revokeUserSessions } from '#db/queries/refresh-tokens.js'
import { findPasswordHash, findUserById, updateUser } from '#db/queries/users.js'
import type { Db } from '#db/schema/index.js'
import { errors, fieldError } from '../errors/index.js'
import type { Me, User } from '../schemas/identity.js'
import { scopeOf, type AuthContext } from './auth-context.js'
import { hashPassword, verifyPassword } from './passwords.js'

export async function getMe (db: Db, auth: AuthContext): Promise<Me> {
  const [user, tenant, tenants] = await Promise.all([findUserById(db, auth.userId), findTenant(db, scopeOf(auth)), listUserTenants(db, auth.userId)])
  if (user === undefined || tenant === undefined) throw errors.UNAUTHORIZED({ reason: 'accountGone' })
  const role = tenants.find((membership) => membership.id === auth.tenantId)?.role ?? auth.role
  return { user, tenant, role, tenants }
}

export interface UpdateMeInput { name?: string | undefined, current_password?: string | undefined, new_password?: string | undefined }

/**
 * Renames the user and/or changes the password. A password change needs the current password and
 * signs out every other session of the user (the caller's own session keeps working).
 */
export async function updateMe (db: Db, auth: AuthContext, input: UpdateMeInput): Promise<User> {
  const changes: { name?: string, password_hash?: string } = {}
  if (input.name !== undefined) changes.name = input.name.trim()

  if (input.new_password !== undefined || input.current_password !== undefined) {
    if (input.new_password === undefined) throw errors.INVALID_INPUT({ details: [fieldError('/new_password', 'requiredWithCurrentPassword')] })
    if (input.current_password === undefined) throw errors.INVALID_INPUT({ details: [fieldError('/current_password', 'requiredToChangePassword')] })
    const valid = await verifyPassword(await findPasswordHash(db, auth.userId), input.current_password)
    if (!valid) throw errors.INVALID_INPUT({ details: [fieldError('/current_password', 'incorrectPassword')] })
    changes.password_hash = await hashPassword(input.new_password)
  }

  return await db.transaction().execute(async (trx) => {
    const user = await updateUser(trx, auth.userId, changes)
    if (user === undefined) throw errors.UNAUTHORIZED({ reason: 'accountGone' })
    if (changes.password_hash !== undefined) {
      await lockSessionsOf(trx, auth.userId)
      await revokeUserSessions(trx, auth.userId, auth.sessionId)
    }
    return user
  })
}
