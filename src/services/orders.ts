import { findItemsOfOrders, findOrder, findOrderItems, findOrderLocation, listOrders as listOrderRows, lockOrder, markOrderPaid, markOrderVoided, recordSale, type OrderFilters } from '#db/queries/orders.js'
import { adjustStock, lockProducts, lockSale, type SaleProduct } from '#db/queries/stock.js'
import type { Db } from '#db/schema/index.js'
import { uuidv7 } from '#db/ids.js'
import type { TenantScope } from '#db/tenant-scope.js'
import { errors, type FieldError, fieldError } from '../errors/index.js'
import type { CreateOrderBody, Order, OrderItem, OrderListQuery, OrderSummary } from '../schemas/orders.js'
import { hasRole, requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { cursorPageOf, decodeTimeKey, encodeTimeKey, type CursorCodec, type CursorPage } from './cursor.js'
import { recordChanges, stockChanged } from './events.js'
import { withIdempotency, type IdempotentResult, type WriteOptions } from './idempotency.js'

/** An order as stored: the API shape plus the version its ETag is made from. */
export type OrderRecord = Order & { version: number }
export type OrderSummaryRecord = OrderSummary & { version: number }

const CURSOR_KIND = 'orders'
const DEFAULT_LIMIT = 50

/** A repeated product is refused rather than merged: the response lines match the request lines. */
function refuseDuplicates (items: CreateOrderBody['items']): void {
  const firstLine = new Map<string, number>()
  const problems: FieldError[] = []
  items.forEach((item, index) => {
    const first = firstLine.get(item.product_id)
    if (first === undefined) firstLine.set(item.product_id, index)
    else problems.push(fieldError(`/items/${index}/product_id`, 'repeatedProduct', { first: `/items/${first}/product_id` }))
  })
  if (problems.length > 0) throw errors.INVALID_INPUT({ reason: 'duplicateProducts', details: problems })
}

/**
 * Unknown products (or another tenant's, which look the same) and mixed currencies are one 422
 * with every line at fault; the order's currency is that of its first known product.
 */
function checkProducts (items: CreateOrderBody['items'], products: Map<string, SaleProduct>): string {
  const unknown: FieldError[] = []
  const mixed: FieldError[] = []
  let currency: string | undefined
  items.forEach((item, index) => {
    const product = products.get(item.product_id)
    if (product === undefined) {
      unknown.push(fieldError(`/items/${index}/product_id`, 'unknownProduct'))
      return
    }
    currency ??= product.currency
    if (product.currency !== currency) mixed.push(fieldError(`/items/${index}/product_id`, 'otherCurrency', { other: product.currency, currency }))
  })
  if (unknown.length > 0 || mixed.length > 0 || currency === undefined) {
    const reason = mixed.length === 0 ? 'unknownProducts' : unknown.length === 0 ? 'mixedCurrencies' : 'body'
    throw errors.INVALID_INPUT({ reason, details: [...unknown, ...mixed].sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true })) })
  }
  return currency
}

/** Every short line, with what is available, so the client can fix the whole order at once. */
function checkStock (items: CreateOrderBody['items'], products: Map<string, SaleProduct>): void {
  const short = items.flatMap((item, index) => {
    const { stock } = products.get(item.product_id)!
    return item.quantity > stock
      ? [fieldError(`/items/${index}/quantity`, 'onlyInStock', { stock }, { product_id: item.product_id, requested: item.quantity, available: stock })]
      : []
  })
  if (short.length > 0) throw errors.INSUFFICIENT_STOCK({ details: short })
}

/**
 * Places an order in one transaction of four round trips: BEGIN; the location and the products,
 * locked (ascending id, see db/queries/stock.ts); the checks, here; then the stock taken, the
 * order and its lines written in one statement (prices copied from the products); COMMIT. So
 * the product rows stay locked for one statement and the commit. Any refusal rolls it all back.
 */
export async function createOrder (db: Db, auth: AuthContext, locationId: string, input: CreateOrderBody, options: WriteOptions = {}): Promise<IdempotentResult<OrderRecord>> {
  requireRole(auth, 'member')
  refuseDuplicates(input.items)
  const scope = scopeOf(auth)
  const request = { key: options.idempotencyKey, operation: 'createOrder', input: { location_id: locationId, body: input }, status: 201, signal: options.signal }
  return await withIdempotency(db, auth, request, async (trx) => {
    const targets = await lockSale(trx, scope, locationId, input.items.map((item) => item.product_id))
    if (targets === undefined) throw errors.LOCATION_NOT_FOUND()
    if (!targets.locationActive) throw errors.LOCATION_INACTIVE()
    const products = new Map(targets.products.map((product) => [product.id, product]))
    const currency = checkProducts(input.items, products)
    checkStock(input.items, products)

    const lines = input.items.map((item, index) => {
      const product = products.get(item.product_id)!
      return {
        line_no: index + 1,
        product_id: product.id,
        product_name: product.name,
        quantity: item.quantity,
        unit_price_cents: product.price_cents,
        line_total_cents: item.quantity * product.price_cents
      }
    })
    const subtotal = lines.reduce((sum, line) => sum + line.line_total_cents, 0)
    const { stocked, items, ...order } = await recordSale(trx, scope, {
      id: uuidv7(),
      location_id: locationId,
      status: 'open',
      currency,
      subtotal_cents: subtotal,
      total_cents: subtotal,
      item_count: lines.length,
      note: input.note ?? null,
      customer_ref: input.customer_ref ?? null,
      created_by: auth.userId
    }, lines)
    // Cannot happen while the rows are locked; if it ever does, roll back rather than oversell.
    if (stocked !== lines.length) throw new Error(`stock changed under a lock: ${stocked} of ${lines.length} products updated`)
    // recordSale recorded order.placed and the stock changes in the same statement.
    return { ...order, items }
  })
}

export async function getOrder (db: Db, auth: AuthContext, id: string): Promise<OrderRecord> {
  const scope = scopeOf(auth)
  const [order, items] = await Promise.all([findOrder(db, scope, id), findOrderItems(db, scope, id)])
  if (order === undefined) throw errors.ORDER_NOT_FOUND()
  return { ...order, items }
}

/** The lines of several of the tenant's orders, by order id (an order it does not have gets none). */
export async function itemsOfOrders (db: Db, auth: AuthContext, orderIds: readonly string[]): Promise<Map<string, OrderItem[]>> {
  const lines = new Map<string, OrderItem[]>(orderIds.map((id) => [id, []]))
  for (const { order_id: orderId, ...item } of await findItemsOfOrders(db, scopeOf(auth), [...new Set(orderIds)])) lines.get(orderId)?.push(item)
  return lines
}

async function listPage (db: Db, scope: TenantScope, filters: OrderFilters, query: { limit?: number | undefined, cursor?: string | undefined }, cursors: CursorCodec): Promise<CursorPage<OrderSummaryRecord>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? undefined : decodeTimeKey(cursors, CURSOR_KIND, query.cursor)
  const rows = await listOrderRows(db, scope, filters, limit, after)
  return cursorPageOf(rows, limit, (row) => encodeTimeKey(cursors, CURSOR_KIND, row))
}

/** Orders of the tenant, newest first, optionally filtered; cursor-paginated. */
export async function listOrders (db: Db, auth: AuthContext, query: OrderListQuery, cursors: CursorCodec): Promise<CursorPage<OrderSummaryRecord>> {
  const { limit, cursor, ...filters } = query
  return await listPage(db, scopeOf(auth), filters, { limit, cursor }, cursors)
}

/** Orders of one location (404 when the tenant has no such location). */
export async function listLocationOrders (db: Db, auth: AuthContext, locationId: string, query: Omit<OrderListQuery, 'location_id'>, cursors: CursorCodec): Promise<CursorPage<OrderSummaryRecord>> {
  const scope = scopeOf(auth)
  const { limit, cursor, ...filters } = query
  if (await findOrderLocation(db, scope, locationId) === undefined) throw errors.LOCATION_NOT_FOUND()
  return await listPage(db, scope, { ...filters, location_id: locationId }, { limit, cursor }, cursors)
}

/** Members act on the orders they created; admins and owners on every order of the tenant. */
function requireOrderAccess (auth: AuthContext, createdBy: string | null, action: 'void' | 'pay'): void {
  if (hasRole(auth.role, 'admin') || createdBy === auth.userId) return
  throw errors.FORBIDDEN({ reason: action === 'void' ? 'voidOwnOrdersOnly' : 'payOwnOrdersOnly' })
}

/**
 * Voids an order and gives its stock back, in one transaction. The order row is locked first, so
 * two voids of one order serialize and the second sees it voided; product rows are then locked in
 * ascending id order, like every other stock change.
 */
export async function voidOrder (db: Db, auth: AuthContext, id: string, reason: string, options: WriteOptions = {}): Promise<IdempotentResult<OrderRecord>> {
  requireRole(auth, 'member')
  const scope = scopeOf(auth)
  const request = { key: options.idempotencyKey, operation: 'voidOrder', input: { order_id: id, reason }, status: 200, signal: options.signal }
  return await withIdempotency(db, auth, request, async (trx) => {
    const order = await lockOrder(trx, scope, id)
    if (order === undefined) throw errors.ORDER_NOT_FOUND()
    if (order.status === 'voided') throw errors.ORDER_ALREADY_VOIDED()
    requireOrderAccess(auth, order.created_by, 'void')
    if (order.status === 'paid' && !hasRole(auth.role, 'admin')) throw errors.FORBIDDEN({ reason: 'voidPaidOrder' })

    const items = await findOrderItems(trx, scope, id)
    await lockProducts(trx, scope, items.map((item) => item.product_id))
    await adjustStock(trx, scope, items, 1)
    const voided = { ...await markOrderVoided(trx, scope, id, auth.userId, reason.trim()), items }
    await recordChanges(trx, auth, [{ type: 'order.voided', resource: voided }, ...items.map((item) => stockChanged(item.product_id))])
    return voided
  })
}

/** Marks an open order paid. */
export async function payOrder (db: Db, auth: AuthContext, id: string, options: WriteOptions = {}): Promise<IdempotentResult<OrderRecord>> {
  requireRole(auth, 'member')
  const scope = scopeOf(auth)
  const request = { key: options.idempotencyKey, operation: 'payOrder', input: { order_id: id }, status: 200, signal: options.signal }
  return await withIdempotency(db, auth, request, async (trx) => {
    const order = await lockOrder(trx, scope, id)
    if (order === undefined) throw errors.ORDER_NOT_FOUND()
    if (order.status === 'voided') throw errors.ORDER_VOIDED()
    if (order.status === 'paid') throw errors.ORDER_ALREADY_PAID()
    requireOrderAccess(auth, order.created_by, 'pay')
    const paid = { ...await markOrderPaid(trx, scope, id, auth.userId), items: await findOrderItems(trx, scope, id) }
    await recordChanges(trx, auth, [{ type: 'order.paid', resource: paid }])
    return paid
  })
}
