import { precompiled } from '../precompiled.js'
import type { Db, NewProduct, ProductUpdate } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'
import { containsTerm, type SortOrder } from './search.js'
import { guardCondition, nextVersion, type WriteGuard, type WriteTarget } from './write-guard.js'

export const productColumns = [
  'id', 'name', 'description', 'price_cents', 'currency', 'stock', 'category', 'subcategory', 'sku',
  'created_by', 'created_at', 'updated_at', 'version'
] as const

export interface ProductFilters {
  category?: string | undefined
  subcategory?: string | undefined
  q?: string | undefined
  min_price?: number | undefined
  max_price?: number | undefined
  in_stock?: boolean | undefined
}

export type ProductSortField = 'name' | 'price_cents' | 'created_at' | 'stock'
export type ProductSort = SortOrder<ProductSortField>

function scoped (db: Db, scope: TenantScope) {
  return db.selectFrom('products').where('tenant_id', '=', scope.tenantId)
}

function filtered (db: Db, scope: TenantScope, filters: ProductFilters) {
  let query = scoped(db, scope)
  if (filters.category !== undefined) query = query.where('category', '=', filters.category)
  if (filters.subcategory !== undefined) query = query.where('subcategory', '=', filters.subcategory)
  if (filters.q !== undefined) query = query.where(containsTerm('name', filters.q))
  if (filters.min_price !== undefined) query = query.where('price_cents', '>=', filters.min_price)
  if (filters.max_price !== undefined) query = query.where('price_cents', '<=', filters.max_price)
  if (filters.in_stock !== undefined) query = query.where('stock', filters.in_stock ? '>' : '=', 0)
  return query
}

export async function insertProduct (db: Db, scope: TenantScope, product: Omit<NewProduct, 'tenant_id'>) {
  return await db.insertInto('products').values({ ...product, tenant_id: scope.tenantId }).returning(productColumns).executeTakeFirstOrThrow()
}

const selectProduct = precompiled((db, params: { tenantId: string, id: string }) =>
  db.selectFrom('products').select(productColumns).where('tenant_id', '=', params.tenantId).where('id', '=', params.id))

/** The hottest read of the API (GET one product), compiled once. */
export async function findProduct (db: Db, scope: TenantScope, id: string) {
  const [row] = await selectProduct(db, { tenantId: scope.tenantId, id })
  return row
}

export async function findProductWriteTarget (db: Db, scope: TenantScope, id: string): Promise<WriteTarget | undefined> {
  return await scoped(db, scope).select(['created_by', 'version']).where('id', '=', id).executeTakeFirst()
}

/** The page query, unexecuted (scripts/explain-lists.ts prints its plan). */
export function productPageQuery (db: Db, scope: TenantScope, filters: ProductFilters, sort: ProductSort, window: { limit: number, offset: number }) {
  return filtered(db, scope, filters)
    .select(productColumns)
    .orderBy(sort.field, sort.direction).orderBy('id', sort.direction)
    .limit(window.limit).offset(window.offset)
}

export function productCountQuery (db: Db, scope: TenantScope, filters: ProductFilters) {
  return filtered(db, scope, filters).select((eb) => eb.fn.countAll<number>().as('count'))
}

export async function listProducts (db: Db, scope: TenantScope, filters: ProductFilters, sort: ProductSort, window: { limit: number, offset: number }) {
  return await productPageQuery(db, scope, filters, sort, window).execute()
}

function hasFilters (filters: ProductFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined)
}

/** Unfiltered: the trigger-maintained total (O(1)); filtered: count(*) over the filter's index. */
export async function countProducts (db: Db, scope: TenantScope, filters: ProductFilters): Promise<number> {
  if (!hasFilters(filters)) {
    const row = await db.selectFrom('product_counts').select('total').where('tenant_id', '=', scope.tenantId).executeTakeFirst()
    return row?.total ?? 0
  }
  return (await productCountQuery(db, scope, filters).executeTakeFirstOrThrow()).count
}

/** Applies `changes` when the guard holds; undefined when no row matched (missing, or guard failed). */
export async function updateProduct (db: Db, scope: TenantScope, id: string, changes: ProductUpdate, guard: WriteGuard) {
  return await db.updateTable('products')
    .set({ ...changes, ...nextVersion })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id).where(guardCondition(guard))
    .returning(productColumns)
    .executeTakeFirst()
}

export async function deleteProduct (db: Db, scope: TenantScope, id: string, guard: WriteGuard): Promise<boolean> {
  const result = await db.deleteFrom('products')
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id).where(guardCondition(guard))
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}
