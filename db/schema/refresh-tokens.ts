import type { Generated, Insertable, Selectable } from 'kysely'
import type { Timestamp } from './columns.js'

export interface RefreshTokensTable {
  id: string
  token_hash: Buffer
  family_id: string
  user_id: string
  tenant_id: string
  expires_at: Timestamp
  created_at: Generated<Timestamp>
  revoked_at: Timestamp | null
  replaced_by: string | null
}

export type RefreshTokenRow = Selectable<RefreshTokensTable>
export type NewRefreshToken = Insertable<RefreshTokensTable>
