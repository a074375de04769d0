import { Type, type Static } from 'typebox'
import { orderStatuses } from '#db/schema/orders.js'
import { cursorEnvelope, dataEnvelope } from './envelope.js'
import { dateTimeInput, nullable, Timestamp, Uuid } from './fields.js'
import { CursorParam } from './params.js'
import { ref } from './ref.js'

export const MAX_ORDER_LINES = 100
export const MAX_LINE_QUANTITY = 10000

export const OrderStatus = Type.Enum(orderStatuses, {
  $id: 'OrderStatus',
  description: 'open: placed, stock taken; paid: settled; voided: cancelled, stock given back.'
})
export type OrderStatus = Static<typeof OrderStatus>

const Cents = Type.Integer({ minimum: 0, description: 'Integer minor units of the order currency.' })

export const OrderItem = Type.Object({
  product_id: Uuid,
  product_name: Type.String({ description: 'The product name when the order was placed.' }),
  quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY }),
  unit_price_cents: Type.Integer({ minimum: 0, description: 'The product price when the order was placed.' }),
  line_total_cents: Cents
}, { $id: 'OrderItem', additionalProperties: false })
export type OrderItem = Static<typeof OrderItem>

const orderFields = {
  id: Uuid,
  location_id: Uuid,
  status: ref(OrderStatus),
  currency: Type.String({ description: 'ISO 4217 code shared by every product in the order.' }),
  subtotal_cents: Cents,
  total_cents: Cents,
  item_count: Type.Integer({ minimum: 1, maximum: MAX_ORDER_LINES, description: 'Number of lines.' }),
  note: nullable(Type.String()),
  customer_ref: nullable(Type.String()),
  created_by: nullable(Uuid),
  created_at: Timestamp,
  updated_at: Timestamp,
  paid_at: nullable(Timestamp),
  paid_by: nullable(Uuid),
  voided_at: nullable(Timestamp),
  voided_by: nullable(Uuid),
  void_reason: nullable(Type.String())
}

export const OrderSummary = Type.Object(orderFields, { $id: 'OrderSummary', additionalProperties: false, description: 'An order without its lines, as lists show it.' })
export type OrderSummary = Static<typeof OrderSummary>

export const Order = Type.Object({ ...orderFields, items: Type.Array(ref(OrderItem)) }, { $id: 'Order', additionalProperties: false })
export type Order = Static<typeof Order>

export const OrderLineRequest = Type.Object({
  product_id: Uuid,
  quantity: Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY })
}, { $id: 'OrderLineRequest', additionalProperties: false, description: 'Prices come from the product; a price sent here is refused as an unknown field.' })

export const CreateOrderBody = Type.Object({
  items: Type.Array(ref(OrderLineRequest), { minItems: 1, maxItems: MAX_ORDER_LINES, description: '1 to 100 lines, each product at most once (a repeated product_id is 422).' }),
  note: Type.Optional(nullable(Type.String({ maxLength: 1000 }))),
  customer_ref: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 100 })))
}, { $id: 'CreateOrderRequest', additionalProperties: false })
export type CreateOrderBody = Static<typeof CreateOrderBody>

export const VoidReason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'Why the order is voided; recorded with who and when.' })

export const VoidOrderBody = Type.Object({
  reason: VoidReason
}, { $id: 'VoidOrderRequest', additionalProperties: false })
export type VoidOrderBody = Static<typeof VoidOrderBody>

const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Orders per page, 1 to 100 (default 50).' })

const listFilters = {
  status: Type.Optional(ref(OrderStatus)),
  created_after: Type.Optional(Type.String({ ...dateTimeInput, description: 'Only orders created at or after this instant (inclusive; RFC 3339 with an offset).' })),
  created_before: Type.Optional(Type.String({ ...dateTimeInput, description: 'Only orders created before this instant (exclusive; RFC 3339 with an offset).' })),
  limit: Type.Optional(Limit),
  cursor: Type.Optional(CursorParam)
}

export const LocationOrderListQuery = Type.Object(listFilters, { additionalProperties: false })
export type LocationOrderListQuery = Static<typeof LocationOrderListQuery>

export const OrderListQuery = Type.Object({ location_id: Type.Optional(Uuid), ...listFilters }, { additionalProperties: false })
export type OrderListQuery = Static<typeof OrderListQuery>

export const OrderResponse = dataEnvelope('OrderResponse', ref(Order))
export const OrderListResponse = cursorEnvelope('OrderListResponse', ref(OrderSummary))

export const orderSchemas = [OrderStatus, OrderItem, OrderSummary, Order, OrderLineRequest, CreateOrderBody, VoidOrderBody, OrderResponse, OrderListResponse]
