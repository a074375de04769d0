import type { Kysely, Transaction } from 'kysely'
import type { EventCountersTable, EventInboxTable, EventsTable, StreamTicketsTable } from './events.js'
import type { IdempotencyKeysTable } from './idempotency-keys.js'
import type { LocationsTable } from './locations.js'
import type { MembershipsTable } from './memberships.js'
import type { OrderItemsTable, OrdersTable } from './orders.js'
import type { ProductCountsTable } from './product-counts.js'
import type { ProductsTable } from './products.js'
import type { RefreshTokensTable } from './refresh-tokens.js'
import type { TasksTable } from './tasks.js'
import type { TenantsTable } from './tenants.js'
import type { UsersTable } from './users.js'
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhooks.js'

export interface Database {
  users: UsersTable
  tenants: TenantsTable
  memberships: MembershipsTable
  refresh_tokens: RefreshTokensTable
  products: ProductsTable
  product_counts: ProductCountsTable
  locations: LocationsTable
  tasks: TasksTable
  orders: OrdersTable
  order_items: OrderItemsTable
  idempotency_keys: IdempotencyKeysTable
  events: EventsTable
  event_inbox: EventInboxTable
  event_counters: EventCountersTable
  stream_tickets: StreamTicketsTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_deliveries: WebhookDeliveriesTable
}

/** The handle every query function takes: the app's Kysely instance or a transaction on it. */
export type Db = Kysely<Database>

/**
 * A handle inside a transaction. Queries that take row locks (or must commit together with the
 * work around them) take this, so calling them outside a transaction does not compile.
 */
export type Trx = Transaction<Database>

export type { Timestamp } from './columns.js'
export * from './events.js'
export * from './idempotency-keys.js'
export * from './locations.js'
export * from './memberships.js'
export * from './orders.js'
export * from './products.js'
export * from './refresh-tokens.js'
export * from './tasks.js'
export * from './tenants.js'
export * from './users.js'
export * from './webhooks.js'
