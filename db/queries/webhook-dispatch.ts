import { sql, type RawBuilder } from 'kysely'
import { uuidv7 } from '../ids.js'
import type { Db, Trx } from '../schema/index.js'

/**
 * The webhook worker's queries. They work across tenants (the worker serves all of them); every
 * row they read or write carries its tenant, and deliveries reference their endpoint by
 * (tenant_id, endpoint_id), so nothing can cross tenants.
 */

/** An active endpoint whose tenant has events past the endpoint's position. */
export interface BehindEndpoint {
  id: string
  tenant_id: string
  types: string[]
  after_event_id: number
  last_id: number
}

/** Locks up to `limit` endpoints behind their tenant's outbox; another instance skips them. */
export async function claimBehindEndpoints (trx: Trx, limit: number): Promise<BehindEndpoint[]> {
  const { rows } = await sql<BehindEndpoint>`
    select e.id, e.tenant_id, e.types, e.after_event_id, c.last_id
    from webhook_endpoints e join event_counters c on c.tenant_id = e.tenant_id
    where e.active and c.last_id > e.after_event_id
    order by e.id
    limit ${limit}
    for update of e skip locked`.execute(trx)
  return rows
}

export async function eventTypesBetween (trx: Trx, tenantId: string, afterId: number, uptoId: number): Promise<Array<{ id: number, type: string }>> {
  const { rows } = await sql<{ id: number, type: string }>`
    select id, type from events where tenant_id = ${tenantId} and id > ${afterId} and id <= ${uptoId} order by id`.execute(trx)
  return rows
}

/** Queues deliveries of `events` to the endpoint (none twice) and moves its position to `uptoId`. */
export async function fanOut (trx: Trx, endpoint: BehindEndpoint, events: ReadonlyArray<{ id: number, type: string }>, uptoId: number): Promise<void> {
  if (events.length > 0) {
    await sql`
      insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type)
      select d.id, ${endpoint.tenant_id}, ${endpoint.id}, d.event_id, d.event_type
      from unnest(${events.map(() => uuidv7())}::uuid[], ${events.map((e) => e.id)}::bigint[], ${events.map((e) => e.type)}::text[]) as d(id, event_id, event_type)
      on conflict (endpoint_id, event_id) do nothing`.execute(trx)
  }
  await sql`
    update webhook_endpoints
    set after_event_id = ${uptoId},
      next_delivery_at = case when ${events.length > 0} then least(coalesce(next_delivery_at, now()), now()) else next_delivery_at end
    where id = ${endpoint.id}`.execute(trx)
}

/**
 * When an endpoint is next due after an attempt: its earliest pending delivery, but not before
 * now. Endpoints are leased in this order, so one with a backlog goes behind those that were
 * waiting (round robin) instead of keeping the slots for as long as its backlog lasts.
 */
function nextDeliveryAt (endpointId: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`(select greatest(next_attempt_at, now()) from webhook_deliveries
    where endpoint_id = ${endpointId} and status = 'pending' order by next_attempt_at limit 1)`
}

/** An endpoint leased for one delivery, with what signing needs. */
export interface LeasedEndpoint {
  id: string
  tenant_id: string
  url: string
  secret: string
  /** The previous secret while its overlap lasts, else null. */
  previous_secret: string | null
  consecutive_failures: number
}

/**
 * Leases up to `limit` endpoints that have a delivery due, are not leased by anyone (one delivery
 * at a time per endpoint, across instances) and are not pausing after a failure.
 */
export async function leaseDueEndpoints (db: Db, limit: number, leaseMs: number): Promise<LeasedEndpoint[]> {
  if (limit <= 0) return []
  const { rows } = await sql<LeasedEndpoint>`
    with due as (
      select id from webhook_endpoints
      where active and next_delivery_at <= now()
        and (leased_until is null or leased_until <= now())
        and (paused_until is null or paused_until <= now())
      order by next_delivery_at
      limit ${limit}
      for update skip locked
    )
    update webhook_endpoints e set leased_until = now() + make_interval(secs => ${leaseMs / 1000})
    from due where e.id = due.id
    returning e.id, e.tenant_id, e.url, e.secret, e.consecutive_failures,
      case when e.previous_secret_expires_at > now() then e.previous_secret end as previous_secret`.execute(db)
  return rows
}

/** The endpoint's earliest due delivery with its event (null fields when the event is gone). */
export interface DueDelivery {
  id: string
  event_id: number
  attempts: number
  first_attempt_at: string | null
  type: string | null
  resource_id: string | null
  actor_id: string | null
  occurred_at: string | null
  data: unknown
}

export async function dueDelivery (db: Db, endpoint: LeasedEndpoint): Promise<DueDelivery | undefined> {
  const { rows } = await sql<DueDelivery>`
    select d.id, d.event_id, d.attempts, d.first_attempt_at, e.type, e.resource_id, e.actor_id, e.occurred_at, e.data
    from webhook_deliveries d
    left join events e on e.tenant_id = d.tenant_id and e.id = d.event_id
    where d.endpoint_id = ${endpoint.id} and d.status = 'pending' and d.next_attempt_at <= now()
    order by d.next_attempt_at, d.event_id
    limit 1`.execute(db)
  return rows[0]
}

/** What one attempt came to, as the worker decided it. */
export interface AttemptRecord {
  deliveryId: string
  endpointId: string
  outcome: 'succeeded' | 'retry' | 'failed'
  statusCode: number | null
  latencyMs: number | null
  error: string | null
  /** When the attempt started (the retry window's start on a first attempt). */
  attemptedAt: string
  /** The delivery's first attempt before this one (null: this was the first). */
  firstAttemptAt: string | null
  retryInMs: number
  /** After a failure, the endpoint waits this long before any delivery. */
  pauseMs: number
  /** Why the endpoint is disabled, should this failure disable it. */
  disableReason: string
}

/**
 * Records an attempt and gives the endpoint's lease back. A delivery that gives up disables its
 * endpoint when nothing has succeeded there since that delivery's first attempt, 24 h or more ago
 * (`failing_since`, reset by every success): the endpoint has failed for a whole retry window.
 * Run it in a transaction: the delivery and the endpoint change together. The endpoint is locked
 * first, as every writer of both does (no deadlock with a PATCH or a redelivery).
 */
export async function recordAttempt (trx: Trx, attempt: AttemptRecord): Promise<{ disabled: boolean }> {
  const succeeded = attempt.outcome === 'succeeded'
  await sql`select 1 from webhook_endpoints where id = ${attempt.endpointId} for update`.execute(trx)
  await sql`
    update webhook_deliveries set
      status = ${attempt.outcome === 'retry' ? 'pending' : attempt.outcome},
      attempts = attempts + 1,
      first_attempt_at = coalesce(first_attempt_at, ${attempt.attemptedAt}::timestamptz),
      next_attempt_at = now() + make_interval(secs => ${attempt.retryInMs / 1000}),
      last_status_code = ${attempt.statusCode}, last_latency_ms = ${attempt.latencyMs}, last_error = ${attempt.error},
      delivered_at = case when ${succeeded} then now() end
    where id = ${attempt.deliveryId}`.execute(trx)
  const { rows } = await sql<{ disabled: boolean }>`
    with old as (
      select id, failing_since,
        coalesce(${attempt.outcome === 'failed'} and active and failing_since <= ${attempt.firstAttemptAt}::timestamptz, false) as disable
      from webhook_endpoints where id = ${attempt.endpointId} for update
    )
    update webhook_endpoints e set
      leased_until = null,
      paused_until = case when ${succeeded} then null else now() + make_interval(secs => ${attempt.pauseMs / 1000}) end,
      consecutive_failures = case when ${succeeded} then 0 else e.consecutive_failures + 1 end,
      failing_since = case when ${succeeded} then null else coalesce(old.failing_since, ${attempt.attemptedAt}::timestamptz) end,
      next_delivery_at = ${nextDeliveryAt(sql`e.id`)},
      active = e.active and not old.disable,
      disabled_at = case when old.disable then now() else e.disabled_at end,
      disabled_reason = case when old.disable then ${attempt.disableReason} else e.disabled_reason end,
      -- The API shows failing_since and active: a change to either is a new version (ETag).
      version = e.version + case when old.disable or (old.failing_since is null) <> ${succeeded} then 1 else 0 end,
      updated_at = case when old.disable or (old.failing_since is null) <> ${succeeded} then now() else e.updated_at end
    from old where e.id = old.id
    returning old.disable as disabled`.execute(trx)
  return { disabled: rows[0]?.disabled === true }
}

/** Gives the lease back without an attempt (nothing was due after all). */
export async function releaseEndpoint (db: Db, endpointId: string): Promise<void> {
  await sql`
    update webhook_endpoints set leased_until = null,
      next_delivery_at = ${nextDeliveryAt(sql`${endpointId}`)}
    where id = ${endpointId}`.execute(db)
}

/** Marks a delivery failed without an attempt (its event is gone) and gives the lease back. */
export async function giveUpDelivery (db: Db, endpointId: string, deliveryId: string, reason: string): Promise<void> {
  await sql`update webhook_deliveries set status = 'failed', last_error = ${reason} where id = ${deliveryId}`.execute(db)
  await releaseEndpoint(db, endpointId)
}
