import { sql } from 'kysely'
import type { Db, NewTenant, TenantRow } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'

export async function insertTenant (db: Db, tenant: NewTenant): Promise<TenantRow> {
  return await db.insertInto('tenants').values(tenant).returningAll().executeTakeFirstOrThrow()
}

export async function findTenant (db: Db, scope: TenantScope): Promise<TenantRow | undefined> {
  return await db.selectFrom('tenants').selectAll().where('id', '=', scope.tenantId).executeTakeFirst()
}

export async function updateTenant (db: Db, scope: TenantScope, changes: { name?: string, currency?: string }): Promise<TenantRow | undefined> {
  return await db.updateTable('tenants')
    .set({ ...changes, updated_at: sql<string>`now()` })
    .where('id', '=', scope.tenantId)
    .returningAll()
    .executeTakeFirst()
}

/** The tenant's own request budget per minute, or null when it has none (or does not exist). */
export async function findTenantRateLimit (db: Db, scope: TenantScope): Promise<number | null> {
  const row = await db.selectFrom('tenants').select('rate_limit_per_minute').where('id', '=', scope.tenantId).executeTakeFirst()
  return row?.rate_limit_per_minute ?? null
}
