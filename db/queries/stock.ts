import { sql } from 'kysely'
import { queryRows } from '../direct-queries.js'
import type { TenantScope } from '../tenant-scope.js'
import type { Trx } from '../schema/index.js'

export interface SaleProduct {
  id: string
  name: string
  price_cents: number
  currency: string
  stock: number
}

export interface StockChange {
  product_id: string
  quantity: number
}

/**
 * Locks the tenant's products with these ids, in ascending id order, for the rest of the
 * transaction. Every writer of stock takes its locks through here, so two transactions on
 * overlapping products always lock in the same order and cannot deadlock. (PostgreSQL sorts
 * before it locks: FOR UPDATE applies to rows as the ORDER BY delivers them.) Ids of another
 * tenant, or of no product, are simply absent from the result.
 */
export async function lockProducts (db: Trx, scope: TenantScope, ids: readonly string[]): Promise<SaleProduct[]> {
  return await db.selectFrom('products')
    .select(['id', 'name', 'price_cents', 'currency', 'stock'])
    .where('tenant_id', '=', scope.tenantId)
    .where('id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .orderBy('id')
    .forUpdate()
    .execute()
}

/**
 * Adds `sign * quantity` to each product's stock in one statement, and bumps version and
 * updated_at (stock is part of the product's representation and ETag). Call with rows already
 * locked by `lockProducts`. A decrement never takes stock below zero: such a row is not updated,
 * and the returned count tells the caller.
 */
export async function adjustStock (db: Trx, scope: TenantScope, changes: readonly StockChange[], sign: 1 | -1): Promise<number> {
  const ids = changes.map((change) => change.product_id)
  const deltas = changes.map((change) => sign * change.quantity)
  const result = await sql`
    update products as p
    set stock = p.stock + c.delta, version = p.version + 1, updated_at = now()
    from unnest(${ids}::uuid[], ${deltas}::int[]) as c(id, delta)
    where p.tenant_id = ${scope.tenantId} and p.id = c.id and p.stock + c.delta >= 0`.execute(db)
  return Number(result.numAffectedRows ?? 0n)
}

/** What placing an order needs, read under lock: the location's state and the products. */
export interface SaleTargets {
  locationActive: boolean
  products: SaleProduct[]
}

/**
 * The order's location and its products in one round trip, the products locked (in ascending id
 * order, as lockProducts does) for the rest of the transaction; undefined when the tenant has no
 * such location, in which case nothing is locked.
 */
const LOCK_SALE = `
select l.active as location_active, p.id, p.name, p.price_cents, p.currency, p.stock
from (select active from locations where tenant_id = $1 and id = $2) l
left join lateral (
  select id, name, price_cents, currency, stock from products
  where tenant_id = $1 and id = any($3::uuid[])
  order by id
  for update
) p on true`

export async function lockSale (db: Trx, scope: TenantScope, locationId: string, productIds: readonly string[]): Promise<SaleTargets | undefined> {
  const rows = await queryRows<{ location_active: boolean } & { [K in keyof SaleProduct]: SaleProduct[K] | null }>(db, LOCK_SALE, [scope.tenantId, locationId, productIds])
  const [first] = rows
  if (first === undefined) return undefined
  const products = rows.flatMap(({ location_active: _active, ...product }) => product.id === null ? [] : [product as SaleProduct])
  return { locationActive: first.location_active, products }
}
