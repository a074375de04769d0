import type { MembershipsTable } from './memberships.js'
import type { RefreshTokensTable } from './refresh-tokens.js'
import type { TenantsTable } from './tenants.js'
import type { UsersTable } from './users.js'

export interface Database {
  users: UsersTable
  tenants: TenantsTable
  memberships: MembershipsTable
  refresh_tokens: RefreshTokensTable
}

export type { Timestamp } from './columns.js'
export * from './memberships.js'
export * from './refresh-tokens.js'
export * from './tenants.js'
export * from './users.js'
