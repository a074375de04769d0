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

/** The channel every instance LISTENs on; payload `<tenant_id>:<last event id>[,<tenant_id>:<last id>...]`. */
export const EVENTS_CHANNEL = 'retail_ops_events'

/**
 * Appends events to the tenant's outbox in the writing transaction, unnumbered: the sequencer
 * numbers them once committed (see migration 2026120201). No lock, no NOTIFY on the write path.
 */
const RECORD_EVENTS = `
insert into event_inbox (tenant_id, type, resource_id, actor_id, data)
select $1, e.type, e.resource_id, e.actor_id,
  coalesce(e.data, (select product_event_data(p) from products p where p.tenant_id = $1 and p.id = e.resource_id))
from unnest($2::text[], $3::uuid[], $4::uuid[], $5::json[]) with ordinality as e(type, resource_id, actor_id, data, position)
order by e.position`

export async function recordEvents (trx: Trx, scope: TenantScope, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return
  await queryRows(trx, RECORD_EVENTS, [
    scope.tenantId, events.map((e) => e.type), events.map((e) => e.resourceId), events.map((e) => e.actorId), events.map((e) => e.data)
  ])
}

/** Any number, the same on every instance: one sequencer at a time. */
const SEQUENCER_LOCK = 727_100_002
/** Events numbered per statement at most; the sequencer runs again while there are more. */
export const SEQUENCER_BATCH = 2000

/**
 * Moves committed events from the inbox into `events`, oldest first, numbered in each tenant's
 * count, and NOTIFYs once for the batch, under a transaction-scoped advisory lock so two
 * sequencers never number at once. Returns how many it numbered, or null if another instance holds the lock.
 */
const NUMBER_EVENTS = `
with lock as (
  select pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) as held
), pending as (
  delete from event_inbox
  where (select held from lock) and seq in (select seq from event_inbox order by seq limit ${SEQUENCER_BATCH})
  returning *
), ranked as (
  select *, row_number() over (partition by tenant_id order by seq) as n, count(*) over (partition by tenant_id) as of from pending
), counted as (
  select tenant_id, count(*) as added from pending group by tenant_id
), bumped as (
  insert into event_counters as c (tenant_id, last_id) select tenant_id, added from counted
  on conflict (tenant_id) do update set last_id = c.last_id + excluded.last_id
  returning tenant_id, last_id
), numbered as (
  insert into events (tenant_id, id, type, resource_id, actor_id, occurred_at, data)
  select r.tenant_id, b.last_id - r.of + r.n, r.type, r.resource_id, r.actor_id, r.occurred_at, r.data
  from ranked r join bumped b using (tenant_id)
  order by r.seq
  returning tenant_id
), announced as (
  -- NOTIFY payloads are at most 8000 bytes: past 150 tenants, '*' (every feed re-reads).
  select case when count(*) > 150 then '*' else string_agg(tenant_id::text || ':' || last_id::text, ',') end as payload
  from bumped having count(*) > 0
)
select (select held from lock) as held, (select count(*) from numbered) as numbered, (select payload from announced) as payload,
  (select pg_notify('${EVENTS_CHANNEL}', payload) from announced) is null as notified`

/** What a sequencer run did: how many events it numbered, and the NOTIFY payload it sent (null: none). */
export interface Numbered { numbered: number, payload: string | null }

/**
 * One statement, so one round trip: run outside a transaction, the transaction-scoped advisory
 * lock is the statement's own, held until it ends.
 */
export async function numberPendingEvents (db: Db): Promise<Numbered | null> {
  const [row] = await queryRows<{ held: boolean, numbered: number, payload: string | null }>(db, NUMBER_EVENTS, [])
  if (row?.held !== true) return null
  return { numbered: Number(row.numbered), payload: row.payload ?? null }
}

/**
 * Frees the inbox's deleted rows for reuse. The inbox is a queue: every event is inserted and
 * deleted within milliseconds, and autovacuum comes at most once a minute (autovacuum_naptime),
 * so without this the table grows by every event written meanwhile (8,000 pages at 6,000 events/s
 * after 20 s, measured) and each sequencer run scans all of it. Vacuumed every few thousand
 * events it stays a few hundred pages (323 in the same run). SKIP_LOCKED: another instance
 * already vacuuming is enough.
 */
export async function vacuumInbox (db: Db): Promise<void> {
  await sql`vacuum (skip_locked) event_inbox`.execute(db)
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
