import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { notModified } from '#src/http/conditional.js'
import { codes } from '#src/errors/index.js'
import { withHeaders } from '#src/schemas/response-headers.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS, IDEMPOTENT_ERRORS } from '#src/schemas/index.js'
import { writeOptions } from '#src/http/write-options.js'
import { IdempotencyHeaders } from '#src/schemas/idempotency.js'
import { OrderListQuery, OrderListResponse, OrderResponse, VoidOrderBody } from '#src/schemas/orders.js'
import { IfNoneMatchHeaders, NotModified, resourceParams, TenantParams } from '#src/schemas/params.js'
import { getOrder, listOrders, payOrder, voidOrder } from '#src/services/orders.js'

const tags = ['orders']
const OrderParams = resourceParams('order_id')
/** Paying takes no input: no body, `{}` or `null`. */
const PayOrderBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()], { description: 'Optional: no body, `{}` or `null`.' })

const orders: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'listOrders',
      summary: 'Orders of the tenant, newest first, filtered and cursor-paginated',
      description: 'Filter by location, status and creation time; newest first, cursor-paginated.',
      tags,
      params: TenantParams,
      querystring: OrderListQuery,
      response: { 200: ref(OrderListResponse), ...errorResponses(...TENANT_ERRORS, codes.INVALID_CURSOR) }
    }
  }, async (request) => {
    const page = await listOrders(app.db, request.auth, request.query, app.cursors)
    return { data: page.items, meta: page.meta, error: null }
  })

  app.get('/:order_id', {
    schema: {
      operationId: 'getOrder',
      summary: 'One order with its lines, with a strong ETag',
      description: 'One order with its lines; send its ETag as If-None-Match to get 304 when it has not changed.',
      tags,
      params: OrderParams,
      headers: IfNoneMatchHeaders,
      response: { 200: withHeaders(ref(OrderResponse), 'ETag'), 304: withHeaders(NotModified, 'ETag'), ...errorResponses(...TENANT_ERRORS, codes.ORDER_NOT_FOUND) }
    }
  }, async (request, reply) => {
    const order = await getOrder(app.db, request.auth, request.params.order_id)
    if (notModified(request, reply, order.version)) return reply.send()
    return { data: order, error: null }
  })

  // Voids give stock back, which cached product responses show.
  app.post('/:order_id/void', {
    ...app.responseCache.write,
    schema: {
      operationId: 'voidOrder',
      summary: 'Void an order and give its stock back (its creator while open; admins and owners also when paid)',
      description: 'Voids the order and returns its stock in one transaction, with a reason. Members void their own open orders; admins and owners also paid ones. Send an Idempotency-Key to retry safely.',
      tags,
      params: OrderParams,
      headers: IdempotencyHeaders,
      body: ref(VoidOrderBody),
      response: { 200: withHeaders(ref(OrderResponse), 'Idempotent-Replayed'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, ...IDEMPOTENT_ERRORS, codes.FORBIDDEN, codes.ORDER_NOT_FOUND, codes.ORDER_ALREADY_VOIDED) }
    }
  }, async (request, reply) => {
    const result = await voidOrder(app.db, request.auth, request.params.order_id, request.body.reason, writeOptions(request))
    if (result.replayed) reply.header('idempotent-replayed', 'true')
    return { data: result.value, error: null }
  })

  app.post('/:order_id/pay', {
    schema: {
      operationId: 'payOrder',
      summary: 'Mark an open order paid (its creator, or admins and owners)',
      description: 'Marks an open order paid. No body is needed. Send an Idempotency-Key to retry safely: a retry answers the first result with Idempotent-Replayed.',
      tags,
      params: OrderParams,
      headers: IdempotencyHeaders,
      body: PayOrderBody,
      response: { 200: withHeaders(ref(OrderResponse), 'Idempotent-Replayed'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, ...IDEMPOTENT_ERRORS, codes.FORBIDDEN, codes.ORDER_NOT_FOUND, codes.ORDER_VOIDED, codes.ORDER_ALREADY_PAID) }
    }
  }, async (request, reply) => {
    const result = await payOrder(app.db, request.auth, request.params.order_id, writeOptions(request))
    if (result.replayed) reply.header('idempotent-replayed', 'true')
    return { data: result.value, error: null }
  })
}

export default orders
