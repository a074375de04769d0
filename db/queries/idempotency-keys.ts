import { sql } from 'kysely'
import type { TenantScope } from '../tenant-scope.js'
import type { Db, Trx } from '../schema/index.js'

export interface StoredResponse {
  request_hash: string
  response_status: number | null
  response_body: unknown
}

/** The unexpired record of this key in the tenant, if any. */
export async function findLiveKey (db: Db, scope: TenantScope, key: string): Promise<StoredResponse | undefined> {
  return await db.selectFrom('idempotency_keys')
    .select(['request_hash', 'response_status', 'response_body'])
    .where('tenant_id', '=', scope.tenantId).where('key', '=', key)
    .where('expires_at', '>', sql<string>`now()`)
    .executeTakeFirst()
}

/**
 * Claims the key for this transaction: inserts it, or takes over an expired record of it. Returns
 * false when a live record exists. While another open transaction holds a claim on the same key,
 * this waits for it to commit or roll back (unique-index semantics), then answers accordingly.
 */
export async function claimKey (db: Trx, scope: TenantScope, claim: { key: string, userId: string, requestHash: string, ttlSeconds: number }): Promise<boolean> {
  const expiresAt = sql<string>`now() + make_interval(secs => ${claim.ttlSeconds})`
  const row = await db.insertInto('idempotency_keys')
    .values({ tenant_id: scope.tenantId, key: claim.key, user_id: claim.userId, request_hash: claim.requestHash, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['tenant_id', 'key'])
      .doUpdateSet({
        user_id: (eb) => eb.ref('excluded.user_id'),
        request_hash: (eb) => eb.ref('excluded.request_hash'),
        response_status: null,
        response_body: null,
        created_at: sql`now()`,
        expires_at: (eb) => eb.ref('excluded.expires_at')
      })
      .where('idempotency_keys.expires_at', '<=', sql<string>`now()`))
    .returning('key')
    .executeTakeFirst()
  return row !== undefined
}

/** Stores the response of the work done under a claimed key, in the claiming transaction. */
export async function storeResponse (db: Trx, scope: TenantScope, key: string, status: number, body: unknown): Promise<void> {
  await db.updateTable('idempotency_keys')
    .set({ response_status: status, response_body: JSON.stringify(body) })
    .where('tenant_id', '=', scope.tenantId).where('key', '=', key)
    .execute()
}

/** Deletes up to `limit` expired records (a batch, so no statement holds locks for long); returns how many. */
export async function deleteExpiredKeys (db: Db, limit: number): Promise<number> {
  const result = await sql`
    delete from idempotency_keys where ctid = any(array(
      select ctid from idempotency_keys where expires_at <= now() limit ${limit}
    ))`.execute(db)
  return Number(result.numAffectedRows ?? 0n)
}
