import type { Role } from '#db/schema/index.js'
import { tenantScope, type TenantScope } from '#db/tenant-scope.js'
import { errors } from '../errors/index.js'

/** Who is calling, from a verified access token. */
export interface AuthContext {
  userId: string
  tenantId: string
  role: Role
  /** The refresh-token family of this session, so "other sessions" can be told apart. */
  sessionId: string
  /** The membership version the token was issued for (see db/migrations/2026120102_revocation.ts). */
  membershipVersion: number
}

const rank: Record<Role, number> = { guest: 0, member: 1, admin: 2, owner: 3 }

export function hasRole (role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum]
}

export function requireRole (auth: AuthContext, minimum: Role): void {
  if (!hasRole(auth.role, minimum)) throw errors.FORBIDDEN({ reason: 'roleRequired', params: { role: minimum } })
}

export function scopeOf (auth: AuthContext): TenantScope {
  return tenantScope(auth.tenantId)
}

/** Members may change what they created; admins and owners may change anything in the tenant. */
export function requireOwnershipOrAdmin (auth: AuthContext, createdBy: string | null): void {
  if (hasRole(auth.role, 'admin')) return
  if (auth.role === 'member' && createdBy === auth.userId) return
  throw errors.FORBIDDEN({ reason: auth.role === 'guest' ? 'guestReadOnly' : 'ownCreationsOnly' })
}
