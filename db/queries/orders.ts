import { sql } from 'kysely'
import type { Db, NewOrder, NewOrderItem, OrderStatus, Trx } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'

export const orderColumns = [
  'id', 'location_id', 'status', 'currency', 'subtotal_cents', 'total_cents', 'item_count', 'note', 'customer_ref',
  'created_by', 'created_at', 'updated_at', 'paid_at', 'paid_by', 'voided_at', 'voided_by', 'void_reason', 'version'
] as const

export const orderItemColumns = ['product_id', 'product_name', 'quantity', 'unit_price_cents', 'line_total_cents'] as const

export interface OrderFilters {
  location_id?: string | undefined
  status?: OrderStatus | undefined
  /** Inclusive. */
  created_after?: string | undefined
  /** Exclusive. */
  created_before?: string | undefined
}

/** Is there such a location in the tenant, and does it take orders? */
export async function findOrderLocation (db: Db, scope: TenantScope, locationId: string): Promise<{ active: boolean } | undefined> {
  return await db.selectFrom('locations').select('active')
    .where('tenant_id', '=', scope.tenantId).where('id', '=', locationId)
    .executeTakeFirst()
}

export async function insertOrder (db: Db, scope: TenantScope, order: Omit<NewOrder, 'tenant_id'>) {
  return await db.insertInto('orders').values({ ...order, tenant_id: scope.tenantId }).returning(orderColumns).executeTakeFirstOrThrow()
}

export async function insertOrderItems (db: Db, scope: TenantScope, items: ReadonlyArray<Omit<NewOrderItem, 'tenant_id'>>) {
  return await db.insertInto('order_items')
    .values(items.map((item) => ({ ...item, tenant_id: scope.tenantId })))
    .returning(orderItemColumns)
    .execute()
}

export async function findOrder (db: Db, scope: TenantScope, id: string) {
  return await db.selectFrom('orders').select(orderColumns)
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .executeTakeFirst()
}

/** The order, locked until the transaction ends: status changes on one order serialize here. */
export async function lockOrder (db: Trx, scope: TenantScope, id: string) {
  return await db.selectFrom('orders').select(orderColumns)
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

/** The lines of an order in the order the client sent them. */
export async function findOrderItems (db: Db, scope: TenantScope, orderId: string) {
  return await db.selectFrom('order_items').select(orderItemColumns)
    .where('tenant_id', '=', scope.tenantId).where('order_id', '=', orderId)
    .orderBy('line_no')
    .execute()
}

export async function markOrderPaid (db: Trx, scope: TenantScope, id: string, paidBy: string) {
  return await db.updateTable('orders')
    .set({ status: 'paid', paid_at: sql`now()`, paid_by: paidBy, updated_at: sql`now()`, version: sql`version + 1` })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .returning(orderColumns)
    .executeTakeFirstOrThrow()
}

export async function markOrderVoided (db: Trx, scope: TenantScope, id: string, voidedBy: string, reason: string) {
  return await db.updateTable('orders')
    .set({ status: 'voided', voided_at: sql`now()`, voided_by: voidedBy, void_reason: reason, updated_at: sql`now()`, version: sql`version + 1` })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id)
    .returning(orderColumns)
    .executeTakeFirstOrThrow()
}

/**
 * Newest first, keyset-paginated on (created_at, id): rows sharing a millisecond are ordered by id,
 * and a page starts strictly after the previous page's last key, so nothing is skipped or repeated
 * and rows inserted meanwhile (newer, so before the first page) do not shift later pages.
 * Fetches `limit + 1` rows so the caller knows whether there is more.
 */
export function orderPageQuery (db: Db, scope: TenantScope, filters: OrderFilters, limit: number, after?: { created_at: string, id: string }) {
  let query = db.selectFrom('orders').select(orderColumns).where('tenant_id', '=', scope.tenantId)
  if (filters.location_id !== undefined) query = query.where('location_id', '=', filters.location_id)
  if (filters.status !== undefined) query = query.where('status', '=', filters.status)
  if (filters.created_after !== undefined) query = query.where('created_at', '>=', filters.created_after)
  if (filters.created_before !== undefined) query = query.where('created_at', '<', filters.created_before)
  if (after !== undefined) {
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(sql<string>`${after.created_at}::timestamptz`, sql<string>`${after.id}::uuid`)))
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1)
}

export async function listOrders (db: Db, scope: TenantScope, filters: OrderFilters, limit: number, after?: { created_at: string, id: string }) {
  return await orderPageQuery(db, scope, filters, limit, after).execute()
}
