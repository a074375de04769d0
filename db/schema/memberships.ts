import type { Generated, Insertable, Selectable } from 'kysely'
import type { Timestamp } from './columns.js'

export const roles = ['owner', 'admin', 'member', 'guest'] as const
export type Role = typeof roles[number]

export interface MembershipsTable {
  tenant_id: string
  user_id: string
  role: Role
  /** From one sequence, new on every insert and role change; access tokens carry it (`mv`). */
  version: Generated<number>
  created_at: Generated<Timestamp>
}

export type MembershipRow = Selectable<MembershipsTable>
export type NewMembership = Insertable<MembershipsTable>
