import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { codes } from '#src/errors/index.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { Uuid } from '#src/schemas/fields.js'
import { resourceParams } from '#src/schemas/params.js'
import { DeliveryListQuery, EmptyBody, WebhookDeliveryListResponse, WebhookDeliveryResponse } from '#src/schemas/webhooks.js'
import { listDeliveries, redeliver } from '#src/services/webhook-deliveries.js'

const tags = ['webhooks']
const WebhookParams = resourceParams('webhook_id')
const DeliveryParams = Type.Object({ tenant_id: Uuid, webhook_id: Uuid, delivery_id: Uuid }, { additionalProperties: false })

const deliveries: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'listWebhookDeliveries',
      summary: "A webhook's delivery log, newest first, cursor-paginated (admins and owners)",
      description: 'Each delivery is one event for this webhook: its status, attempts, and the last attempt\'s HTTP status, latency or error. ' +
        'Finished deliveries are kept 7 days.',
      tags,
      params: WebhookParams,
      querystring: DeliveryListQuery,
      response: { 200: ref(WebhookDeliveryListResponse), ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN, codes.WEBHOOK_NOT_FOUND, codes.INVALID_CURSOR) }
    }
  }, async (request) => {
    const page = await listDeliveries(app.db, request.auth, request.params.webhook_id, request.query, app.cursors)
    return { data: page.items, meta: page.meta, error: null }
  })

  app.post('/:delivery_id/redeliver', {
    schema: {
      operationId: 'redeliverWebhookDelivery',
      summary: 'Send a delivery again now, with the same event id, retried for another 24 hours if it fails (admins and owners)',
      description: 'Queues the delivery again now with the same event id (receivers deduplicate on it), retried for another 24 hours if it fails. The endpoint must be active.',
      tags,
      params: DeliveryParams,
      body: EmptyBody,
      response: { 202: ref(WebhookDeliveryResponse), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.WEBHOOK_NOT_FOUND, codes.WEBHOOK_DELIVERY_NOT_FOUND, codes.WEBHOOK_INACTIVE) }
    }
  }, async (request, reply) => {
    const { webhook_id: webhookId, delivery_id: deliveryId } = request.params
    const delivery = await redeliver(app.db, request.auth, webhookId, deliveryId)
    reply.code(202)
    return { data: delivery, error: null }
  })
}

export default deliveries
