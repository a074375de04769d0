import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Timestamp } from './columns.js'

export interface UsersTable {
  id: string
  email: string
  name: string
  password_hash: string
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
