import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Timestamp } from './columns.js'

export interface TenantsTable {
  id: string
  name: string
  currency: Generated<string>
  /** The tenant's plan: requests per minute across all its users; null means the configured default. */
  rate_limit_per_minute: number | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type TenantRow = Selectable<TenantsTable>
export type NewTenant = Insertable<TenantsTable>
export type TenantUpdate = Updateable<TenantsTable>
