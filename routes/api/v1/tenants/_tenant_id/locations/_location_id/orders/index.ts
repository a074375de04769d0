import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { codes } from '#src/errors/index.js'
import { withHeaders } from '#src/schemas/response-headers.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS, IDEMPOTENT_ERRORS } from '#src/schemas/index.js'
import { writeOptions } from '#src/http/write-options.js'
import { IdempotencyHeaders } from '#src/schemas/idempotency.js'
import { CreateOrderBody, LocationOrderListQuery, OrderListResponse, OrderResponse } from '#src/schemas/orders.js'
import { resourceParams } from '#src/schemas/params.js'
import { createOrder, listLocationOrders } from '#src/services/orders.js'

const tags = ['orders']
const LocationParams = resourceParams('location_id')

const locationOrders: FastifyPluginAsyncTypebox = async (app) => {
  // Orders take stock, which cached product responses show.
  app.post('', {
    ...app.responseCache.write,
    schema: {
      operationId: 'createOrder',
      summary: 'Place an order at a location: prices from the products, stock taken in the same transaction (members and above)',
      description: 'All or nothing: an unknown product (or one of another tenant), a repeated product, or mixed currencies are 422; ' +
        'any line without enough stock makes the whole order 409 INSUFFICIENT_STOCK, with `details` listing each short product ' +
        '(`product_id`, `requested`, `available`). An unknown location is 404 LOCATION_NOT_FOUND, an inactive one 409 LOCATION_INACTIVE. ' +
        'Send an Idempotency-Key to retry safely.',
      tags,
      params: LocationParams,
      headers: IdempotencyHeaders,
      body: ref(CreateOrderBody),
      response: { 201: withHeaders(ref(OrderResponse), 'Location', 'Idempotent-Replayed'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, ...IDEMPOTENT_ERRORS, codes.FORBIDDEN, codes.LOCATION_NOT_FOUND, codes.LOCATION_INACTIVE, codes.INSUFFICIENT_STOCK) }
    }
  }, async (request, reply) => {
    const { tenant_id: tenantId, location_id: locationId } = request.params
    const result = await createOrder(app.db, request.auth, locationId, request.body, writeOptions(request))
    if (result.replayed) reply.header('idempotent-replayed', 'true')
    reply.code(201).header('location', `/api/v1/tenants/${tenantId}/orders/${result.value.id}`)
    return { data: result.value, error: null }
  })

  app.get('', {
    schema: {
      operationId: 'listLocationOrders',
      summary: 'Orders placed at a location, newest first, cursor-paginated',
      description: 'The orders placed at this location, newest first: pass `next_cursor` as `cursor` for the next page.',
      tags,
      params: LocationParams,
      querystring: LocationOrderListQuery,
      response: { 200: ref(OrderListResponse), ...errorResponses(...TENANT_ERRORS, codes.LOCATION_NOT_FOUND, codes.INVALID_CURSOR) }
    }
  }, async (request) => {
    const page = await listLocationOrders(app.db, request.auth, request.params.location_id, request.query, app.cursors)
    return { data: page.items, meta: page.meta, error: null }
  })
}

export default locationOrders
