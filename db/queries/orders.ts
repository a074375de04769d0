import { sql } from 'kysely'
import { queryRows } from '../direct-queries.js'
import type { Db, NewOrder, NewOrderItem, OrderItemRow, OrderRow, OrderStatus, Trx } from '../schema/index.js'
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

/** The lines of several orders at once (for GraphQL's batched loading), each order's in line order. */
export async function findItemsOfOrders (db: Db, scope: TenantScope, orderIds: readonly string[]) {
  if (orderIds.length === 0) return []
  return await db.selectFrom('order_items').select(['order_id', ...orderItemColumns])
    .where('tenant_id', '=', scope.tenantId).where('order_id', 'in', orderIds)
    .orderBy('order_id').orderBy('line_no')
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

export type SaleOrder = Omit<NewOrder, 'tenant_id' | 'created_at' | 'updated_at' | 'version'>
export type SaleLine = Omit<NewOrderItem, 'tenant_id' | 'order_id'>

/** The order's fields as events show them (the API's, without the ETag's version); timestamps in API form. */
const orderEventFields = orderColumns.filter((column) => column !== 'version')
  .map((column) => column.endsWith('_at') ? `'${column}', api_timestamp(placed.${column})` : `'${column}', placed.${column}`)
const itemsJson = `json_agg(json_build_object(${orderItemColumns.map((column) => `'${column}', lines.${column}`).join(', ')}) order by lines.line_no)`

/**
 * Takes the stock, writes the order and its lines, and records the events (`order.placed` with
 * the order as the API returns it, then `product.stock_changed` for each line's product as the
 * update left it) in one statement: one round trip between locking the products and committing,
 * so the row locks are held as briefly as possible. A line whose product has too little stock is
 * not decremented; `stocked` says how many were (the service rolls back if any was not).
 */
const RECORD_SALE = `
with stock as (
  update products as p set stock = p.stock - c.quantity, version = p.version + 1, updated_at = now()
  from unnest($2::uuid[], $3::int[]) with ordinality as c(id, quantity, position)
  where p.tenant_id = $1 and p.id = c.id and p.stock >= c.quantity
  returning p.id, c.position, product_event_data(p) as data
), placed as (
  insert into orders (id, tenant_id, location_id, status, currency, subtotal_cents, total_cents, item_count, note, customer_ref, created_by)
  values ($4, $1, $5, 'open', $6, $7, $7, $8, $9, $10, $11)
  returning ${orderColumns.join(', ')}
), lines as (
  insert into order_items (order_id, line_no, tenant_id, product_id, product_name, quantity, unit_price_cents, line_total_cents)
  select $4, l.line_no, $1, l.product_id, l.product_name, l.quantity, l.unit_price_cents, l.line_total_cents
  from unnest($12::int[], $2::uuid[], $13::text[], $3::int[], $14::int[], $15::bigint[]) as l(line_no, product_id, product_name, quantity, unit_price_cents, line_total_cents)
  returning ${orderItemColumns.join(', ')}, line_no
), items as (
  select ${itemsJson} as items from lines
), evented as (
  insert into event_inbox (tenant_id, type, resource_id, actor_id, data)
  select $1, e.type, e.resource_id, $11, e.data from (
    select 0 as position, 'order.placed' as type, placed.id as resource_id,
      json_build_object(${orderEventFields.join(', ')}, 'items', (select items from items)) as data
    from placed
    union all
    select position, 'product.stock_changed', id, data from stock
  ) e
  order by e.position
)
select placed.*, (select count(*) from stock) as stocked, (select items from items) as items
from placed`

type SaleItem = Pick<OrderItemRow, (typeof orderItemColumns)[number]>
export type RecordedSale = Pick<OrderRow, (typeof orderColumns)[number]> & { stocked: number, items: SaleItem[] }

export async function recordSale (db: Trx, scope: TenantScope, order: SaleOrder, lines: readonly SaleLine[]): Promise<RecordedSale> {
  const [row] = await queryRows<RecordedSale>(db, RECORD_SALE, [
    scope.tenantId, lines.map((line) => line.product_id), lines.map((line) => line.quantity),
    order.id, order.location_id, order.currency, order.subtotal_cents, order.item_count, order.note ?? null, order.customer_ref ?? null, order.created_by ?? null,
    lines.map((line) => line.line_no), lines.map((line) => line.product_name), lines.map((line) => line.unit_price_cents), lines.map((line) => line.line_total_cents)
  ])
  if (row === undefined) throw new Error('recording the sale returned no row')
  return row
}
