import type { Db, LocationUpdate, NewLocation } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'
import { containsTerm, type SortOrder } from './search.js'
import { guardCondition, nextVersion, type WriteGuard, type WriteTarget } from './write-guard.js'

export const locationColumns = [
  'id', 'name', 'address_line1', 'address_line2', 'city', 'region', 'postal_code', 'country', 'timezone', 'active',
  'created_by', 'created_at', 'updated_at', 'version'
] as const

export interface LocationFilters {
  active?: boolean | undefined
  q?: string | undefined
}

export type LocationSort = SortOrder<'name' | 'created_at'>

function scoped (db: Db, scope: TenantScope) {
  return db.selectFrom('locations').where('tenant_id', '=', scope.tenantId)
}

function filtered (db: Db, scope: TenantScope, filters: LocationFilters) {
  let query = scoped(db, scope)
  if (filters.active !== undefined) query = query.where('active', '=', filters.active)
  if (filters.q !== undefined) query = query.where(containsTerm('name', filters.q))
  return query
}

export async function insertLocation (db: Db, scope: TenantScope, location: Omit<NewLocation, 'tenant_id'>) {
  return await db.insertInto('locations').values({ ...location, tenant_id: scope.tenantId }).returning(locationColumns).executeTakeFirstOrThrow()
}

export async function findLocation (db: Db, scope: TenantScope, id: string) {
  return await scoped(db, scope).select(locationColumns).where('id', '=', id).executeTakeFirst()
}

export async function findLocationWriteTarget (db: Db, scope: TenantScope, id: string): Promise<WriteTarget | undefined> {
  return await scoped(db, scope).select(['created_by', 'version']).where('id', '=', id).executeTakeFirst()
}

export async function listLocations (db: Db, scope: TenantScope, filters: LocationFilters, sort: LocationSort, window: { limit: number, offset: number }) {
  return await filtered(db, scope, filters)
    .select(locationColumns)
    .orderBy(sort.field, sort.direction).orderBy('id', sort.direction)
    .limit(window.limit).offset(window.offset)
    .execute()
}

export async function countLocations (db: Db, scope: TenantScope, filters: LocationFilters): Promise<number> {
  const row = await filtered(db, scope, filters).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  return row.count
}

/** Applies `changes` when the guard holds; undefined when no row matched (missing, or guard failed). */
export async function updateLocation (db: Db, scope: TenantScope, id: string, changes: LocationUpdate, guard: WriteGuard) {
  return await db.updateTable('locations')
    .set({ ...changes, ...nextVersion })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id).where(guardCondition(guard))
    .returning(locationColumns)
    .executeTakeFirst()
}

export async function deleteLocation (db: Db, scope: TenantScope, id: string, guard: WriteGuard): Promise<boolean> {
  const result = await db.deleteFrom('locations')
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id).where(guardCondition(guard))
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}
