import { sql } from 'kysely'
import type { Db, Trx, WebhookDeliveryStatus } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'

/** A delivery as the API shows it: `next_attempt_at` only while pending. */
function deliveryColumns (db: Db) {
  return db.selectFrom('webhook_deliveries').select((eb) => [
    'id', eb.ref('endpoint_id').as('webhook_id'), 'event_id', 'event_type', 'status', 'attempts',
    sql<string | null>`case when status = 'pending' then next_attempt_at end`.as('next_attempt_at'),
    'last_status_code', 'last_latency_ms', 'last_error', 'created_at', 'delivered_at'
  ])
}

/**
 * An endpoint's deliveries, newest first, keyset-paginated on (created_at, id) as order lists
 * are: deliveries fanned out meanwhile never shift or repeat a page.
 */
export async function listDeliveries (db: Db, scope: TenantScope, webhookId: string, filters: { status?: WebhookDeliveryStatus | undefined }, limit: number, after?: { created_at: string, id: string }) {
  let query = deliveryColumns(db).where('tenant_id', '=', scope.tenantId).where('endpoint_id', '=', webhookId)
  if (filters.status !== undefined) query = query.where('status', '=', filters.status)
  if (after !== undefined) {
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(sql<string>`${after.created_at}::timestamptz`, sql<string>`${after.id}::uuid`)))
  }
  return await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute()
}

/**
 * Queues a delivery again, due now, with a new retry window; its endpoint's pause after a failure
 * ends too (someone asked for this one). A delivery in flight keeps going; its outcome is recorded.
 */
export async function requeueDelivery (trx: Trx, scope: TenantScope, webhookId: string, deliveryId: string) {
  // The endpoint first, as every writer of both locks them (see recordAttempt).
  await trx.updateTable('webhook_endpoints')
    .set({ next_delivery_at: sql<string>`now()`, paused_until: null })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', webhookId)
    .execute()
  return await trx.updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: sql<string>`now()`, first_attempt_at: null, delivered_at: null })
    .where('tenant_id', '=', scope.tenantId).where('endpoint_id', '=', webhookId).where('id', '=', deliveryId)
    .returning((eb) => [
      'id', eb.ref('endpoint_id').as('webhook_id'), 'event_id', 'event_type', 'status', 'attempts', 'next_attempt_at',
      'last_status_code', 'last_latency_ms', 'last_error', 'created_at', 'delivered_at'
    ])
    .executeTakeFirst()
}

/** Deletes up to `limit` finished deliveries (succeeded or given up) older than `days`, across tenants. */
export async function deleteFinishedDeliveries (db: Db, days: number, limit: number): Promise<number> {
  const result = await sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries
      where status <> 'pending' and created_at < now() - make_interval(days => ${days})
      limit ${limit}
    )`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}
