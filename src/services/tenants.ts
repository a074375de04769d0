import type { Db, Role, Trx } from '#db/schema/index.js'
import type { TenantScope } from '#db/tenant-scope.js'
import { findTenant, updateTenant as updateTenantRow } from '#db/queries/tenants.js'
import { countMembers, deleteMembership, findMember, insertMembership, listMembers as listMemberRows, lockCallerRole, lockOwners, updateRole, type MemberRow } from '#db/queries/memberships.js'
import { findUserByEmail } from '#db/queries/users.js'
import { constraints, isUniqueViolation } from '#db/postgres-errors.js'
import { errors } from '../errors/index.js'
import type { AddedMember, Tenant } from '../schemas/identity.js'
import { requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { recordChanges } from './events.js'
import { normalizeEmail } from './email.js'
import { pageOf, pageWindow, type Page, type PageRequest } from './pagination.js'

export async function getTenant (db: Db, auth: AuthContext): Promise<Tenant> {
  const tenant = await findTenant(db, scopeOf(auth))
  if (tenant === undefined) throw errors.TENANT_NOT_FOUND()
  return tenant
}

export async function updateTenant (db: Db, auth: AuthContext, changes: { name?: string | undefined, currency?: string | undefined }): Promise<Tenant> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  return await db.transaction().execute(async (trx) => {
    requireRole(await asCurrentMember(trx, scope, auth), 'admin')
    const tenant = await updateTenantRow(trx, scope, {
      ...(changes.name !== undefined && { name: changes.name.trim() }),
      ...(changes.currency !== undefined && { currency: changes.currency })
    })
    if (tenant === undefined) throw errors.TENANT_NOT_FOUND()
    await recordChanges(trx, auth, [{ type: 'tenant.updated', resource: tenant }])
    return tenant
  })
}

/**
 * The caller with the role the membership has now, read and share-locked inside the
 * administrative transaction: the token's role is checked against the membership's version on
 * every request, but two administrators acting at the same moment (an owner removing the owner
 * who is removing them) are only told apart here. No membership any more is 403.
 */
async function asCurrentMember (trx: Trx, scope: TenantScope, auth: AuthContext): Promise<AuthContext> {
  const role = await lockCallerRole(trx, scope, auth.userId)
  if (role === undefined) throw errors.FORBIDDEN({ reason: 'notAMember' })
  return role === auth.role ? auth : { ...auth, role }
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

export async function addMember (db: Db, auth: AuthContext, input: { email: string, role: Role }): Promise<AddedMember> {
  requireRole(auth, 'admin')
  requireOwnerFor(auth, input.role)
  const user = await findUserByEmail(db, normalizeEmail(input.email))
  if (user === undefined) throw errors.USER_NOT_FOUND()
  const scope = scopeOf(auth)
  return await db.transaction().execute(async (trx) => {
    const caller = await asCurrentMember(trx, scope, auth)
    requireRole(caller, 'admin')
    requireOwnerFor(caller, input.role)
    try {
      await insertMembership(trx, scope, user.id, input.role)
    } catch (error) {
      if (isUniqueViolation(error, constraints.membershipsPrimaryKey)) throw errors.ALREADY_A_MEMBER()
      throw error
    }
    const member = await findMember(trx, scope, user.id)
    if (member === undefined) throw errors.MEMBER_NOT_FOUND()
    const added = { user_id: member.user_id, email: member.email, role: member.role, joined_at: member.joined_at }
    await recordChanges(trx, auth, [{ type: 'member.added', resource: { id: member.user_id, ...added } }])
    return added
  })
}

/**
 * Changes a member's role. Owner rows are locked first so that two concurrent demotions cannot
 * both pass the "last owner" check; the caller's own role is then the current one.
 */
export async function changeMemberRole (db: Db, auth: AuthContext, userId: string, role: Role): Promise<MemberRow> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  return await db.transaction().execute(async (trx) => {
    const owners = await lockOwners(trx, scope)
    const caller = await asCurrentMember(trx, scope, auth)
    requireRole(caller, 'admin')
    const member = await findMember(trx, scope, userId)
    if (member === undefined) throw errors.MEMBER_NOT_FOUND()
    requireOwnerFor(caller, role, member.role)
    if (member.role === 'owner' && role !== 'owner' && owners.length === 1) throw errors.LAST_OWNER()
    await updateRole(trx, scope, userId, role)
    const changed = { ...member, role }
    await recordChanges(trx, auth, [{ type: 'member.role_changed', resource: { id: userId, ...changed } }])
    return changed
  })
}

export async function removeMember (db: Db, auth: AuthContext, userId: string): Promise<void> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  await db.transaction().execute(async (trx) => {
    const owners = await lockOwners(trx, scope)
    const caller = await asCurrentMember(trx, scope, auth)
    requireRole(caller, 'admin')
    const member = await findMember(trx, scope, userId)
    if (member === undefined) throw errors.MEMBER_NOT_FOUND()
    requireOwnerFor(caller, member.role)
    if (member.role === 'owner' && owners.length === 1) throw errors.LAST_OWNER()
    await deleteMembership(trx, scope, userId)
    await recordChanges(trx, auth, [{ type: 'member.removed', resource: { id: userId } }])
  })
}
