import type { Generated, Insertable, Selectable } from 'kysely'
import type { Timestamp } from './columns.js'

export const orderStatuses = ['open', 'paid', 'voided'] as const
export type OrderStatus = typeof orderStatuses[number]

export interface OrdersTable {
  id: string
  tenant_id: string
  location_id: string
  status: OrderStatus
  currency: string
  /** bigint, read as an exact number: bounded well below 2^53 by the migration's checks. */
  subtotal_cents: number
  total_cents: number
  item_count: number
  note: string | null
  customer_ref: string | null
  created_by: string | null
  version: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
  paid_at: Timestamp | null
  paid_by: string | null
  voided_at: Timestamp | null
  voided_by: string | null
  void_reason: string | null
}

export interface OrderItemsTable {
  order_id: string
  /** 1-based position of the line as the client sent it. */
  line_no: number
  tenant_id: string
  product_id: string
  /** The product's name when the order was placed. */
  product_name: string
  quantity: number
  unit_price_cents: number
  line_total_cents: number
}

export type OrderRow = Selectable<OrdersTable>
export type NewOrder = Insertable<OrdersTable>
export type OrderItemRow = Selectable<OrderItemsTable>
export type NewOrderItem = Insertable<OrderItemsTable>
