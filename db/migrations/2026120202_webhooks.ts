import { sql, type Kysely } from 'kysely'

/**
 * Webhooks: endpoints a tenant registers, and one delivery per (endpoint, event) fanned out from
 * the outbox (see src/webhooks/worker.ts).
 *
 * - `after_event_id` is how far in the tenant's outbox the endpoint has been fanned out; it starts
 *   at the tenant's last event id, so a new endpoint only gets new events. Event ids have no gaps
 *   in commit order, so advancing it to the last id read can never skip an event.
 * - Deliveries are unique per (endpoint, event): fanning out again (another instance, a retry
 *   after a crash) inserts nothing twice.
 * - Per-endpoint concurrency of one, across instances: a worker leases the endpoint
 *   (`leased_until`) before sending; an instance that dies mid-send loses the lease after it
 *   expires, and the delivery, still due, is sent again (at least once).
 * - `next_delivery_at` is the earliest due delivery of the endpoint, kept by the worker, so finding
 *   work reads one index instead of every delivery. After a failed attempt the endpoint pauses
 *   (`paused_until`, the same backoff as a delivery's), so an endpoint that is down is not tried
 *   once per queued event.
 * - Secrets are kept as they are: signing needs them. `previous_secret` signs too until
 *   `previous_secret_expires_at` (rotation).
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('webhook_endpoints')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('url', 'text', (col) => col.notNull().check(sql`length(url) between 1 and 2048`))
    .addColumn('types', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_expires_at', sql`timestamptz(3)`)
    .addColumn('after_event_id', 'bigint', (col) => col.notNull())
    .addColumn('next_delivery_at', sql`timestamptz(3)`)
    .addColumn('leased_until', sql`timestamptz(3)`)
    .addColumn('paused_until', sql`timestamptz(3)`)
    .addColumn('consecutive_failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('failing_since', sql`timestamptz(3)`)
    .addColumn('disabled_at', sql`timestamptz(3)`)
    .addColumn('disabled_reason', 'text')
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_endpoints_tenant_id_id_key', ['tenant_id', 'id'])
    .execute()
  // The tenant's list (newest first), and the fan-out's scan of active endpoints.
  await sql`create index webhook_endpoints_tenant_created_idx on webhook_endpoints (tenant_id, created_at desc, id desc)`.execute(db)
  await sql`create index webhook_endpoints_due_idx on webhook_endpoints (next_delivery_at) where active`.execute(db)

  await db.schema.createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('endpoint_id', 'uuid', (col) => col.notNull())
    .addColumn('event_id', 'bigint', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending').check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    // The retry window (24 h) runs from here; a redelivery starts it again.
    .addColumn('first_attempt_at', sql`timestamptz(3)`)
    .addColumn('last_status_code', 'smallint')
    .addColumn('last_latency_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', sql`timestamptz(3)`)
    .addUniqueConstraint('webhook_deliveries_endpoint_event_key', ['endpoint_id', 'event_id'])
    .addForeignKeyConstraint('webhook_deliveries_endpoint_fkey', ['tenant_id', 'endpoint_id'], 'webhook_endpoints', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute()
  // An endpoint's next due delivery (the worker), its log newest first (the API), and the purge.
  await sql`create index webhook_deliveries_due_idx on webhook_deliveries (endpoint_id, next_attempt_at) where status = 'pending'`.execute(db)
  await sql`create index webhook_deliveries_log_idx on webhook_deliveries (endpoint_id, created_at desc, id desc)`.execute(db)
  await sql`create index webhook_deliveries_finished_idx on webhook_deliveries (created_at) where status <> 'pending'`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute()
  await db.schema.dropTable('webhook_endpoints').execute()
}
