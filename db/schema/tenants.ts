import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Timestamp } from './columns.js'

export interface TenantsTable {
  id: string
  name: string
  currency: Generated<string>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type TenantRow = Selectable<TenantsTable>
export type NewTenant = Insertable<TenantsTable>
export type TenantUpdate = Updateable<TenantsTable>
