import { sql } from 'kysely'
import type { Db, Trx } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'
import { nextVersion } from './write-guard.js'

/** The columns the API shows (never the secrets), plus the version for ETags. */
export const webhookColumns = [
  'id', 'url', 'types', 'active', 'failing_since', 'disabled_at', 'disabled_reason', 'previous_secret_expires_at',
  'created_by', 'created_at', 'updated_at', 'version'
] as const

function scoped (db: Db, scope: TenantScope) {
  return db.selectFrom('webhook_endpoints').where('tenant_id', '=', scope.tenantId)
}

/** Serialises the tenant's webhook creations until COMMIT, so the per-tenant limit holds. */
export async function lockTenantWebhooks (trx: Trx, scope: TenantScope): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('webhook_endpoints'), hashtext(${scope.tenantId}))`.execute(trx)
}

export async function countWebhooks (db: Db, scope: TenantScope): Promise<number> {
  const row = await scoped(db, scope).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  return Number(row.count)
}

export interface NewWebhook {
  id: string
  url: string
  types: string[]
  active: boolean
  secret: string
  created_by: string
}

/** A new endpoint starts at the tenant's last event id: it gets events committed after it only. */
export async function insertWebhook (trx: Trx, scope: TenantScope, webhook: NewWebhook) {
  return await trx.insertInto('webhook_endpoints')
    .values({
      ...webhook,
      tenant_id: scope.tenantId,
      after_event_id: sql<number>`coalesce((select last_id from event_counters where tenant_id = ${scope.tenantId}), 0)`
    })
    .returning([...webhookColumns, 'secret'])
    .executeTakeFirstOrThrow()
}

export async function findWebhook (db: Db, scope: TenantScope, id: string) {
  return await scoped(db, scope).select(webhookColumns).where('id', '=', id).executeTakeFirst()
}

/** Newest first; the per-tenant limit keeps this list short, so it is not paginated by the database. */
export async function listWebhooks (db: Db, scope: TenantScope, window: { limit: number, offset: number }) {
  return await scoped(db, scope).select(webhookColumns)
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .limit(window.limit).offset(window.offset)
    .execute()
}

/** The row locked for a change, with what deciding it needs. */
export async function lockWebhook (trx: Trx, scope: TenantScope, id: string) {
  return await trx.selectFrom('webhook_endpoints').select(['active', 'version'])
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

export interface WebhookChanges {
  url?: string | undefined
  types?: string[] | undefined
  active?: boolean | undefined
}

export async function updateWebhook (trx: Trx, scope: TenantScope, id: string, changes: WebhookChanges) {
  return await trx.updateTable('webhook_endpoints')
    .set({ ...changes, ...nextVersion })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .returning(webhookColumns)
    .executeTakeFirstOrThrow()
}

/**
 * Re-enabling (active false -> true) starts afresh: no failure streak, no pause, and pending
 * deliveries due now with a new retry window (else the first would give up, and disable it again).
 */
export async function resetDeliveryState (trx: Trx, scope: TenantScope, id: string): Promise<void> {
  await trx.updateTable('webhook_deliveries')
    .set({ next_attempt_at: sql<string>`now()`, first_attempt_at: null })
    .where('tenant_id', '=', scope.tenantId).where('endpoint_id', '=', id).where('status', '=', 'pending')
    .execute()
  await trx.updateTable('webhook_endpoints')
    .set({
      consecutive_failures: 0,
      failing_since: null,
      paused_until: null,
      disabled_at: null,
      disabled_reason: null,
      next_delivery_at: sql<string>`(select min(next_attempt_at) from webhook_deliveries where endpoint_id = ${id} and status = 'pending')`
    })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .execute()
}

/** The current secret becomes the previous one, valid `overlapHours` more; the one before is dropped. */
export async function rotateWebhookSecret (trx: Trx, scope: TenantScope, id: string, secret: string, overlapHours: number) {
  return await trx.updateTable('webhook_endpoints')
    .set((eb) => ({
      previous_secret: eb.ref('secret'),
      previous_secret_expires_at: sql<string>`now() + make_interval(hours => ${overlapHours})`,
      secret,
      ...nextVersion
    }))
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .returning([...webhookColumns, 'secret'])
    .executeTakeFirst()
}

export async function deleteWebhook (db: Db, scope: TenantScope, id: string, versions: number[] | undefined): Promise<boolean> {
  let query = db.deleteFrom('webhook_endpoints').where('tenant_id', '=', scope.tenantId).where('id', '=', id)
  if (versions !== undefined) query = query.where('version', 'in', versions.length > 0 ? versions : [-1])
  const result = await query.executeTakeFirst()
  return result.numDeletedRows > 0n
}
