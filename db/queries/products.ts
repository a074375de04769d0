import { sql } from 'kysely'
import { precompiled, precompiledShapes } from '../precompiled.js'
import type { Selection, SqlBool } from 'kysely'
import type { Database, Db, ProductUpdate } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'
import { containsPattern, matchesPattern, type SortOrder } from './search.js'
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

/** The filters as query parameters: absent ones left out, the search term as its LIKE pattern. */
type FilterParams = { tenantId: string } & Partial<Record<'category' | 'subcategory' | 'pattern', string> & Record<'minPrice' | 'maxPrice', number>>

function filterParams (scope: TenantScope, filters: ProductFilters): FilterParams {
  const params: FilterParams = { tenantId: scope.tenantId }
  if (filters.category !== undefined) params.category = filters.category
  if (filters.subcategory !== undefined) params.subcategory = filters.subcategory
  if (filters.q !== undefined) params.pattern = containsPattern(filters.q)
  if (filters.min_price !== undefined) params.minPrice = filters.min_price
  if (filters.max_price !== undefined) params.maxPrice = filters.max_price
  return params
}

/** Every filter of the list, from its parameters (`in_stock` changes the SQL, so it is not one). */
function filtered (db: Db, params: FilterParams, inStock: boolean | undefined) {
  let query = db.selectFrom('products').where('tenant_id', '=', params.tenantId)
  if (params.category !== undefined) query = query.where('category', '=', params.category)
  if (params.subcategory !== undefined) query = query.where('subcategory', '=', params.subcategory)
  if (params.pattern !== undefined) query = query.where(matchesPattern('name', params.pattern))
  if (params.minPrice !== undefined) query = query.where('price_cents', '>=', params.minPrice)
  if (params.maxPrice !== undefined) query = query.where('price_cents', '<=', params.maxPrice)
  // Written out, not parameters: the templates of precompiledShapes take only named params.
  if (inStock !== undefined) query = query.where(inStock ? sql<SqlBool>`stock > 0` : sql<SqlBool>`stock = 0`)
  return query
}

const selectProduct = precompiled((db, params: { tenantId: string, id: string }) =>
  db.selectFrom('products').select(productColumns).where('tenant_id', '=', params.tenantId).where('id', '=', params.id))

/** The hottest read of the API (GET one product), compiled once. */
export async function findProduct (db: Db, scope: TenantScope, id: string) {
  const [row] = await selectProduct(db, { tenantId: scope.tenantId, id })
  return row
}

/** Several products of the tenant at once (for GraphQL's batched loading); ids it does not have are left out. */
export async function findProducts (db: Db, scope: TenantScope, ids: readonly string[]) {
  if (ids.length === 0) return []
  return await scoped(db, scope).select(productColumns).where('id', 'in', ids).execute()
}

export async function findProductWriteTarget (db: Db, scope: TenantScope, id: string): Promise<WriteTarget | undefined> {
  return await scoped(db, scope).select(['created_by', 'version']).where('id', '=', id).executeTakeFirst()
}

/**
 * The tenant's total without filters: the sum of its slots in product_counts (O(1)); with filters,
 * count(*) over the filter's index.
 */
function totalQuery (db: Db, params: FilterParams, inStock: boolean | undefined) {
  if (Object.keys(params).length === 1 && inStock === undefined) {
    return db.selectFrom('product_counts').select(sql<number>`coalesce(sum(total), 0)::bigint`.as('total')).where('tenant_id', '=', params.tenantId)
  }
  return filtered(db, params, inStock).select(sql<number>`count(*)`.as('total'))
}

type PageParams = FilterParams & { limit: number, offset: number }

function pageQuery (db: Db, params: PageParams, inStock: boolean | undefined, sort: ProductSort) {
  const { limit, offset, ...filters } = params
  return filtered(db, filters, inStock)
    .select(productColumns)
    .select(() => totalQuery(db, filters, inStock).as('total'))
    .orderBy(sort.field, sort.direction).orderBy('id', sort.direction)
    .limit(limit).offset(offset)
}

/**
 * One page and the total of the same filters in one statement (the total is an uncorrelated
 * subquery, computed once): one round trip and one pool checkout per list instead of two.
 * Unexecuted, so scripts/explain-lists.ts can print its plan.
 */
export function productPageQuery (db: Db, scope: TenantScope, filters: ProductFilters, sort: ProductSort, window: { limit: number, offset: number }) {
  return pageQuery(db, { ...filterParams(scope, filters), ...window }, filters.in_stock, sort)
}

export type ProductPageRow = Selection<Database, 'products', (typeof productColumns)[number]> & { total: number }
interface PageShape { inStock: boolean | undefined, sort: ProductSort }

/**
 * Compiled once per shape (Kysely's compilation of a list query showed as a tenth of its CPU):
 * the SQL depends on which filters are present, on in_stock and on the sort.
 */
const selectPage = precompiledShapes<PageShape, PageParams, ProductPageRow>(
  (shape, params) => `${Object.keys(params).join(',')}|${String(shape.inStock)}|${shape.sort.field}|${shape.sort.direction}`,
  (db, shape, params) => pageQuery(db, params, shape.inStock, shape.sort))

export async function listProducts (db: Db, scope: TenantScope, filters: ProductFilters, sort: ProductSort, window: { limit: number, offset: number }): Promise<ProductPageRow[]> {
  return await selectPage(db, { inStock: filters.in_stock, sort }, { ...filterParams(scope, filters), ...window })
}

/** The total alone, for a page past the end (which has no row to carry it). */
export async function countProducts (db: Db, scope: TenantScope, filters: ProductFilters): Promise<number> {
  const row = await totalQuery(db, filterParams(scope, filters), filters.in_stock).executeTakeFirst()
  return Number(row?.total ?? 0)
}

/** Applies `changes` when the guard holds; undefined when no row matched (missing, or guard failed). */
export async function updateProduct (db: Db, scope: TenantScope, id: string, changes: ProductUpdate, guard: WriteGuard) {
  return await db.updateTable('products')
    .set({ ...changes, ...nextVersion })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id).where(guardCondition(guard))
    .returning(productColumns)
    .executeTakeFirst()
}

/** Deletes when the guard holds, and takes the product off its tenant's total in the same statement. */
export async function deleteProduct (db: Db, scope: TenantScope, id: string, guard: WriteGuard): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    with deleted as (
      delete from products where tenant_id = ${scope.tenantId} and id = ${id} and ${guardCondition(guard)} returning id
    ), counted as (
      insert into product_counts as c (tenant_id, slot, total)
      select ${scope.tenantId}, 0, -count(*) from deleted having count(*) > 0
      on conflict (tenant_id, slot) do update set total = c.total + excluded.total
    )
    select id from deleted`.execute(db)
  return rows.length > 0
}
