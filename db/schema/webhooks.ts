import type { Generated, Insertable, Selectable } from 'kysely'
import type { Timestamp } from './columns.js'

/** Endpoints a tenant registers for webhooks: see migration 2026120202. */
export interface WebhookEndpointsTable {
  id: string
  tenant_id: string
  url: string
  /** Exact event types and `<prefix>.*` patterns; empty: every type. */
  types: Generated<string[]>
  active: Generated<boolean>
  secret: string
  previous_secret: string | null
  previous_secret_expires_at: Timestamp | null
  /** The outbox position fanned out up to. */
  after_event_id: number
  next_delivery_at: Timestamp | null
  leased_until: Timestamp | null
  paused_until: Timestamp | null
  consecutive_failures: Generated<number>
  failing_since: Timestamp | null
  disabled_at: Timestamp | null
  disabled_reason: string | null
  created_by: string | null
  version: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed'

export interface WebhookDeliveriesTable {
  id: string
  tenant_id: string
  endpoint_id: string
  event_id: number
  event_type: string
  status: Generated<WebhookDeliveryStatus>
  attempts: Generated<number>
  next_attempt_at: Generated<Timestamp>
  first_attempt_at: Timestamp | null
  last_status_code: number | null
  last_latency_ms: number | null
  last_error: string | null
  created_at: Generated<Timestamp>
  delivered_at: Timestamp | null
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>
export type NewWebhookEndpoint = Insertable<WebhookEndpointsTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>
