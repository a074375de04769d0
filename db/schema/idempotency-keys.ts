import type { Generated, Insertable, Selectable } from 'kysely'
import type { Timestamp } from './columns.js'

export interface IdempotencyKeysTable {
  tenant_id: string
  key: string
  user_id: string | null
  /** sha256 (hex) of who sent what to which operation; the same key with another hash is refused. */
  request_hash: string
  /** Null only inside the transaction that claimed the key, so never in a committed row. */
  response_status: number | null
  response_body: unknown
  created_at: Generated<Timestamp>
  expires_at: Timestamp
}

export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>
export type NewIdempotencyKey = Insertable<IdempotencyKeysTable>
