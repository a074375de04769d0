import { precompiled } from '../precompiled.js'
import type { Db, Role, Trx } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'

export interface MemberRow {
  user_id: string
  email: string
  name: string
  role: Role
  joined_at: string
}

export interface UserTenantRow {
  id: string
  name: string
  role: Role
  version: number
}

export interface Membership {
  role: Role
  version: number
}

/** Adds the membership and returns its version, which the member's access tokens carry. */
export async function insertMembership (db: Db, scope: TenantScope, userId: string, role: Role): Promise<Membership> {
  return await db.insertInto('memberships').values({ tenant_id: scope.tenantId, user_id: userId, role }).returning(['role', 'version']).executeTakeFirstOrThrow()
}

export async function findMembership (db: Db, scope: TenantScope, userId: string): Promise<Membership | undefined> {
  return await db.selectFrom('memberships').select(['role', 'version'])
    .where('tenant_id', '=', scope.tenantId).where('user_id', '=', userId).executeTakeFirst()
}

const selectMembershipVersion = precompiled((db, params: { tenantId: string, userId: string }) =>
  db.selectFrom('memberships').select('version').where('tenant_id', '=', params.tenantId).where('user_id', '=', params.userId))

/** The current version of a membership, null when there is none: the per-request revocation check reads it once per instance. */
export async function findMembershipVersion (db: Db, scope: TenantScope, userId: string): Promise<number | null> {
  const [row] = await selectMembershipVersion(db, { tenantId: scope.tenantId, userId })
  return row?.version ?? null
}

/**
 * The caller's current role in the tenant, read inside an administrative transaction and locked
 * against change until it ends: the role claim of a token can be minutes old.
 */
export async function lockCallerRole (db: Trx, scope: TenantScope, userId: string): Promise<Role | undefined> {
  const row = await db.selectFrom('memberships').select('role')
    .where('tenant_id', '=', scope.tenantId).where('user_id', '=', userId)
    .forShare().executeTakeFirst()
  return row?.role
}

/** The tenants a user belongs to, first joined first. */
export async function listUserTenants (db: Db, userId: string): Promise<UserTenantRow[]> {
  return await db.selectFrom('memberships')
    .innerJoin('tenants', 'tenants.id', 'memberships.tenant_id')
    .select(['tenants.id', 'tenants.name', 'memberships.role', 'memberships.version'])
    .where('memberships.user_id', '=', userId)
    .orderBy('memberships.created_at').orderBy('tenants.id')
    .execute()
}

function membersQuery (db: Db, scope: TenantScope) {
  return db.selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id as user_id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at as joined_at'])
    .where('memberships.tenant_id', '=', scope.tenantId)
}

export async function findMember (db: Db, scope: TenantScope, userId: string): Promise<MemberRow | undefined> {
  return await membersQuery(db, scope).where('memberships.user_id', '=', userId).executeTakeFirst()
}

export async function listMembers (db: Db, scope: TenantScope, page: { limit: number, offset: number }): Promise<MemberRow[]> {
  return await membersQuery(db, scope)
    .orderBy('memberships.created_at').orderBy('users.id')
    .limit(page.limit).offset(page.offset)
    .execute()
}

export async function countMembers (db: Db, scope: TenantScope): Promise<number> {
  const row = await db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('tenant_id', '=', scope.tenantId).executeTakeFirstOrThrow()
  return row.count
}

/**
 * Locks the tenant's owner rows and returns their user ids. Taken before any change that could
 * remove an owner, so two concurrent demotions cannot leave a tenant with none.
 */
export async function lockOwners (db: Trx, scope: TenantScope): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select('user_id')
    .where('tenant_id', '=', scope.tenantId).where('role', '=', 'owner')
    .forUpdate().execute()
  return rows.map((row) => row.user_id)
}

export async function updateRole (db: Db, scope: TenantScope, userId: string, role: Role): Promise<boolean> {
  const result = await db.updateTable('memberships').set({ role })
    .where('tenant_id', '=', scope.tenantId).where('user_id', '=', userId).executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function deleteMembership (db: Db, scope: TenantScope, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('memberships')
    .where('tenant_id', '=', scope.tenantId).where('user_id', '=', userId).executeTakeFirst()
  return result.numDeletedRows > 0n
}
