import { sql } from 'kysely'
import { queryRows } from '../direct-queries.js'
import type { Db, Trx } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'

/** An event to record; `data` is JSON text, or null to render the product `resource_id` as it is now (by SQL). */
export interface NewEvent {
  type: string
  resourceId: string
  actorId: string | null
  data: string | null
}

/** The channel every instance LISTENs on; payload `<tenant_id>:<last event id>`. */
export const EVENTS_CHANNEL = 'retail_ops_events'

/**
 * Appends events to the tenant's outbox as the last statement of the writing transaction: the
 * counter row it bumps stays locked until COMMIT, which orders the tenant's event ids by commit
 * (see migration 2026120201), and the NOTIFY in the same statement goes out on commit only.
 */
const RECORD_EVENTS = `
with counter as (
  insert into event_counters as c (tenant_id, last_id) values ($1, $2::int)
  on conflict (tenant_id) do update set last_id = c.last_id + excluded.last_id
  returning last_id, pg_notify('${EVENTS_CHANNEL}', $1::text || ':' || last_id::text)
)
insert into events (tenant_id, id, type, resource_id, actor_id, data)
select $1, counter.last_id - $2::int + e.position, e.type, e.resource_id, e.actor_id,
  coalesce(e.data, (select product_event_data(p) from products p where p.tenant_id = $1 and p.id = e.resource_id))
from counter, unnest($3::text[], $4::uuid[], $5::uuid[], $6::jsonb[]) with ordinality as e(type, resource_id, actor_id, data, position)`

export async function recordEvents (trx: Trx, scope: TenantScope, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return
  await queryRows(trx, RECORD_EVENTS, [
    scope.tenantId, events.length, events.map((e) => e.type), events.map((e) => e.resourceId),
    events.map((e) => e.actorId), events.map((e) => e.data)
  ])
}

/** An event as streams and webhooks send it. */
export interface StoredEvent {
  id: number
  type: string
  resource_id: string
  actor_id: string | null
  occurred_at: string
  data: unknown
}

/** The tenant's events after `afterId`, in order, at most `limit`. */
export async function eventsAfter (db: Db, scope: TenantScope, afterId: number, limit: number): Promise<StoredEvent[]> {
  return await queryRows<StoredEvent>(db,
    'select id, type, resource_id, actor_id, occurred_at, data from events where tenant_id = $1 and id > $2 order by id limit $3',
    [scope.tenantId, afterId, limit])
}

/** The oldest event still kept and the last id handed out (0 and 0 for a tenant without events). */
export async function eventBounds (db: Db, scope: TenantScope): Promise<{ oldest: number, last: number }> {
  const [row] = await queryRows<{ oldest: number | null, last: number | null }>(db,
    'select (select min(id) from events where tenant_id = $1) as oldest, (select last_id from event_counters where tenant_id = $1) as last',
    [scope.tenantId])
  const last = Number(row?.last ?? 0)
  return { oldest: row?.oldest === null || row?.oldest === undefined ? last + 1 : Number(row.oldest), last }
}

/** Deletes up to `limit` events older than the retention, across tenants; the number deleted. */
export async function deleteExpiredEvents (db: Db, retentionDays: number, limit: number): Promise<number> {
  const result = await sql`
    delete from events where ctid in (
      select ctid from events where occurred_at < now() - make_interval(days => ${retentionDays}) limit ${limit}
    )`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}
