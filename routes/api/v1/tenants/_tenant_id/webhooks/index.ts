import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { etagOf, ifMatchVersions, notModified } from '#src/http/conditional.js'
import { codes } from '#src/errors/index.js'
import { withHeaders } from '#src/schemas/response-headers.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { IfMatchHeaders, IfNoneMatchHeaders, NoContent, NotModified, resourceParams, TenantParams } from '#src/schemas/params.js'
import { CreateWebhookBody, EmptyBody, UpdateWebhookBody, WebhookListQuery, WebhookListResponse, WebhookResponse, WebhookWithSecretResponse } from '#src/schemas/webhooks.js'
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, rotateSecret, updateWebhook } from '#src/services/webhooks.js'

const tags = ['webhooks']
const WebhookParams = resourceParams('webhook_id')

const webhooks: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'listWebhooks',
      summary: 'Webhooks of the tenant, newest first, paginated (admins and owners)',
      description: 'The tenant\'s webhook endpoints without their secrets, newest first, paginated. Admins and owners.',
      tags,
      params: TenantParams,
      querystring: WebhookListQuery,
      response: { 200: ref(WebhookListResponse), ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN) }
    }
  }, async (request) => {
    const page = await listWebhooks(app.db, request.auth, request.query)
    return { data: page.items, meta: page.meta, error: null }
  })

  app.post('', {
    schema: {
      operationId: 'createWebhook',
      summary: 'Register a webhook endpoint; answers its signing secret, once (admins and owners)',
      description: 'It receives the events committed from now on. A URL that is not allowed (scheme, credentials, a non-public address) ' +
        'or an unknown event type is 422 naming the field; a tenant has at most 20 webhooks (409 WEBHOOK_LIMIT_REACHED).',
      tags,
      params: TenantParams,
      body: ref(CreateWebhookBody),
      response: { 201: withHeaders(ref(WebhookWithSecretResponse), 'Location', 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.WEBHOOK_LIMIT_REACHED) }
    }
  }, async (request, reply) => {
    const webhook = await createWebhook(app.db, request.auth, request.body, app.webhooks.policy)
    reply.code(201)
      .header('location', `/api/v1/tenants/${request.params.tenant_id}/webhooks/${webhook.id}`)
      .header('etag', etagOf(webhook.version))
    return { data: webhook, error: null }
  })

  app.get('/:webhook_id', {
    schema: {
      operationId: 'getWebhook',
      summary: 'One webhook (without its secret), with a strong ETag (admins and owners)',
      description: 'One webhook endpoint without its secret. Send its ETag as If-None-Match to get 304 when it has not changed. Admins and owners.',
      tags,
      params: WebhookParams,
      headers: IfNoneMatchHeaders,
      response: { 200: withHeaders(ref(WebhookResponse), 'ETag'), 304: withHeaders(NotModified, 'ETag'), ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN, codes.WEBHOOK_NOT_FOUND) }
    }
  }, async (request, reply) => {
    const webhook = await getWebhook(app.db, request.auth, request.params.webhook_id)
    if (notModified(request, reply, webhook.version)) return reply.send()
    return { data: webhook, error: null }
  })

  app.patch('/:webhook_id', {
    schema: {
      operationId: 'updateWebhook',
      summary: 'Change the URL, event types or active flag of a webhook; active=true re-enables it (admins and owners)',
      description: 'Changes the URL, the event types or `active`; setting active=true re-enables an endpoint disabled after persistent failures. With If-Match, only at that version.',
      tags,
      params: WebhookParams,
      headers: IfMatchHeaders,
      body: ref(UpdateWebhookBody),
      response: { 200: withHeaders(ref(WebhookResponse), 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.WEBHOOK_NOT_FOUND, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    const webhook = await updateWebhook(app.db, request.auth, request.params.webhook_id, request.body, app.webhooks.policy, ifMatchVersions(request))
    reply.header('etag', etagOf(webhook.version))
    return { data: webhook, error: null }
  })

  app.delete('/:webhook_id', {
    schema: {
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook and its delivery log (admins and owners)',
      description: 'Deletes the endpoint and its delivery log; deliveries in flight stop. With If-Match, only at that version. Admins and owners.',
      tags,
      params: WebhookParams,
      headers: IfMatchHeaders,
      response: { 204: NoContent, ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN, codes.WEBHOOK_NOT_FOUND, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    await deleteWebhook(app.db, request.auth, request.params.webhook_id, ifMatchVersions(request))
    return await reply.code(204).send(null)
  })

  app.post('/:webhook_id/rotate-secret', {
    schema: {
      operationId: 'rotateWebhookSecret',
      summary: 'Replace the signing secret; answers the new one, once. The old one also signs for 24 hours (admins and owners)',
      description: 'Issues a new signing secret, shown only in this answer. Deliveries are signed with both secrets for 24 hours, so receivers can switch without losing any.',
      tags,
      params: WebhookParams,
      body: EmptyBody,
      response: { 200: withHeaders(ref(WebhookWithSecretResponse), 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.WEBHOOK_NOT_FOUND) }
    }
  }, async (request, reply) => {
    const webhook = await rotateSecret(app.db, request.auth, request.params.webhook_id)
    reply.header('etag', etagOf(webhook.version))
    return { data: webhook, error: null }
  })
}

export default webhooks
