import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Timestamp } from './columns.js'

export interface LocationsTable {
  id: string
  tenant_id: string
  name: string
  address_line1: string | null
  address_line2: string | null
  city: string | null
  region: string | null
  postal_code: string | null
  country: string | null
  timezone: string
  active: Generated<boolean>
  created_by: string | null
  version: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type LocationRow = Selectable<LocationsTable>
export type NewLocation = Insertable<LocationsTable>
export type LocationUpdate = Updateable<LocationsTable>
