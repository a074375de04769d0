import type { Generated } from 'kysely'
import type { Timestamp } from './columns.js'

/** The outbox: see migration 2026120201. `data` is the resource as the REST API returns it (or `{ id }` for a deletion). */
export interface EventsTable {
  tenant_id: string
  id: number
  type: string
  resource_id: string
  actor_id: string | null
  occurred_at: Generated<Timestamp>
  data: unknown
}

/** Events written by committed (or committing) transactions, not yet numbered: the sequencer moves them to `events`. */
export interface EventInboxTable {
  seq: Generated<number>
  tenant_id: string
  type: string
  resource_id: string
  actor_id: string | null
  occurred_at: Generated<Timestamp>
  data: unknown
}

/** The last event id handed out per tenant; its row lock orders a tenant's commits that write events. */
export interface EventCountersTable {
  tenant_id: string
  last_id: number
}

/** Single-use tickets for EventSource, which cannot send an Authorization header: SHA-256 of the ticket. */
export interface StreamTicketsTable {
  hash: string
  tenant_id: string
  user_id: string
  session_id: string
  role: string
  membership_version: number
  access_expires_at: Timestamp
  expires_at: Timestamp
}
