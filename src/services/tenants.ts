import type { Db, Role } from '#db/schema/index.js'
import { findTenant, updateTenant as updateTenantRow } from '#db/queries/tenants.js'
import { countMembers, deleteMembership, findMember, insertMembership, listMembers as listMemberRows, lockOwners, updateRole, type MemberRow } from '#db/queries/memberships.js'
import { findUserByEmail } from '#db/queries/users.js'
import { constraints, isUniqueViolation } from '#db/postgres-errors.js'
import { errors } from '../errors/index.js'
import type { Tenant } from '../schemas/identity.js'
import { requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { normalizeEmail } from './email.js'
import { pageOf, pageWindow, type Page, type PageRequest } from './pagination.js'

export async function getTenant (db: Db, auth: AuthContext): Promise<Tenant> {
  const tenant = await findTenant(db, scopeOf(auth))
  if (tenant === undefined) throw errors.TENANT_NOT_FOUND()
  return tenant
}

export async function updateTenant (db: Db, auth: AuthContext, changes: { name?: string | undefined, currency?: string | undefined }): Promise<Tenant> {
  requireRole(auth, 'admin')
  const tenant = await updateTenantRow(db, scopeOf(auth), {
    ...(changes.name !== undefined && { name: changes.name.trim() }),
    ...(changes.currency !== undefined && { currency: changes.currency })
  })
  if (tenant === undefined) throw errors.TENANT_NOT_FOUND()
  return tenant
}

export async function listMembers (db: Db, auth: AuthContext, request: PageRequest): Promise<Page<MemberRow>> {
  const scope = scopeOf(auth)
  const [rows, total] = await Promise.all([listMemberRows(db, scope, pageWindow(request)), countMembers(db, scope)])
  return pageOf(rows, total, request)
}

/** Only an owner may make someone an owner, or change or remove an owner. */
function requireOwnerFor (auth: AuthContext, ...roles: Role[]): void {
  if (roles.includes('owner') && auth.role !== 'owner') throw errors.FORBIDDEN({ reason: 'ownerRoleOnly' })
}

export async function addMember (db: Db, auth: AuthContext, input: { email: string, role: Role }): Promise<MemberRow> {
  requireRole(auth, 'admin')
  requireOwnerFor(auth, input.role)
  const user = await findUserByEmail(db, normalizeEmail(input.email))
  if (user === undefined) throw errors.USER_NOT_FOUND()
  const scope = scopeOf(auth)
  try {
    await insertMembership(db, scope, user.id, input.role)
  } catch (error) {
    if (isUniqueViolation(error, constraints.membershipsPrimaryKey)) throw errors.ALREADY_A_MEMBER()
    throw error
  }
  const member = await findMember(db, scope, user.id)
  if (member === undefined) throw errors.MEMBER_NOT_FOUND()
  return member
}

/**
 * Changes a member's role. Owner rows are locked first so that two concurrent demotions cannot
 * both pass the "last owner" check.
 */
export async function changeMemberRole (db: Db, auth: AuthContext, userId: string, role: Role): Promise<MemberRow> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  return await db.transaction().execute(async (trx) => {
    const owners = await lockOwners(trx, scope)
    const member = await findMember(trx, scope, userId)
    if (member === undefined) throw errors.MEMBER_NOT_FOUND()
    requireOwnerFor(auth, role, member.role)
    if (member.role === 'owner' && role !== 'owner' && owners.length === 1) {
      throw errors.LAST_OWNER()
    }
    await updateRole(trx, scope, userId, role)
    return { ...member, role }
  })
}

export async function removeMember (db: Db, auth: AuthContext, userId: string): Promise<void> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  await db.transaction().execute(async (trx) => {
    const owners = await lockOwners(trx, scope)
    const member = await findMember(trx, scope, userId)
    if (member === undefined) throw errors.MEMBER_NOT_FOUND()
    requireOwnerFor(auth, member.role)
    if (member.role === 'owner' && owners.length === 1) {
      throw errors.LAST_OWNER()
    }
    await deleteMembership(trx, scope, userId)
  })
}
