import { Type, type Static } from 'typebox'
import { cursorEnvelope, dataEnvelope, pageEnvelope } from './envelope.js'
import { nullable, Timestamp, Uuid } from './fields.js'
import { CursorParam, PageQuery } from './params.js'
import { ref } from './ref.js'

const WebhookUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Where deliveries are POSTed: https (http is accepted outside production), no credentials, no fragment. ' +
    'Loopback, private, link-local and other non-public addresses are refused (422), also after DNS resolution at delivery time, ' +
    'unless the operator allows private networks.',
  examples: ['https://hooks.example.com/retail-ops']
})

export const EventTypePattern = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-z_]+\\.([a-z_]+|\\*)$',
  description: 'An event type (`order.paid`) or every type of a resource (`product.*`).',
  examples: ['product.*']
})

const EventTypes = Type.Array(EventTypePattern, {
  maxItems: 32,
  uniqueItems: true,
  description: 'The event types delivered; empty: every type. An unknown type is 422.'
})

export const Webhook = Type.Object({
  id: Uuid,
  url: Type.String(),
  types: Type.Array(Type.String(), { description: 'Event types and `<prefix>.*` patterns delivered; empty: every type.' }),
  active: Type.Boolean({ description: 'Inactive webhooks get no deliveries (paused by an admin, or disabled after failing).' }),
  failing_since: nullable(Timestamp),
  disabled_at: nullable(Timestamp),
  disabled_reason: nullable(Type.String({ description: 'Why the webhook was disabled automatically; null when it was not.' })),
  previous_secret_expires_at: nullable(Timestamp),
  created_by: nullable(Uuid),
  created_at: Timestamp,
  updated_at: Timestamp
}, {
  $id: 'Webhook',
  additionalProperties: false,
  description: 'A webhook endpoint. `failing_since`: the first failed attempt of the current run of failures (null once one succeeds). ' +
    '`previous_secret_expires_at`: after a rotation, deliveries are signed with the previous secret too until then.'
})
export type Webhook = Static<typeof Webhook>

export const WebhookWithSecret = Type.Object({
  ...Webhook.properties,
  secret: Type.String({ description: 'The signing secret (`whsec_...`). Shown only now: keep it.' })
}, { $id: 'WebhookWithSecret', additionalProperties: false, description: 'A webhook with its signing secret, answered only on creation and rotation.' })

export const CreateWebhookBody = Type.Object({
  url: WebhookUrl,
  types: Type.Optional(EventTypes),
  active: Type.Optional(Type.Boolean({ default: true }))
}, { $id: 'CreateWebhookRequest', additionalProperties: false })
export type CreateWebhookBody = Static<typeof CreateWebhookBody>

export const UpdateWebhookBody = Type.Object({
  url: Type.Optional(WebhookUrl),
  types: Type.Optional(EventTypes),
  active: Type.Optional(Type.Boolean({ description: 'true re-enables a disabled webhook: its pending deliveries are retried at once, for another 24 hours.' }))
}, { $id: 'UpdateWebhookRequest', additionalProperties: false, minProperties: 1, description: 'Absent keys are left alone.' })
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>

export const WebhookListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })
export type WebhookListQuery = Static<typeof WebhookListQuery>

/** Actions that take no input: no body, `{}` or `null`. */
export const EmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()], { description: 'Optional: no body, `{}` or `null`.' })

export const DeliveryStatus = Type.Enum(['pending', 'succeeded', 'failed'], {
  $id: 'WebhookDeliveryStatus',
  description: 'pending: queued or being retried; succeeded: a 2xx answer; failed: given up after 24 hours of retries.'
})

export const WebhookDelivery = Type.Object({
  id: Uuid,
  webhook_id: Uuid,
  event_id: Type.Integer({ minimum: 1, description: 'The event delivered; with the tenant id it is the `Webhook-Id` header receivers dedupe on.' }),
  event_type: Type.String(),
  status: ref(DeliveryStatus),
  attempts: Type.Integer({ minimum: 0 }),
  next_attempt_at: nullable(Type.String({ format: 'date-time', description: 'When it is attempted next; null unless pending.' })),
  last_status_code: nullable(Type.Integer({ description: 'The HTTP status of the last attempt; null when none came (see last_error).' })),
  last_latency_ms: nullable(Type.Integer({ minimum: 0 })),
  last_error: nullable(Type.String({ description: 'Why the last attempt got no answer: a timeout, a refused address, a connection error.' })),
  created_at: Timestamp,
  delivered_at: nullable(Timestamp)
}, { $id: 'WebhookDelivery', additionalProperties: false })
export type WebhookDelivery = Static<typeof WebhookDelivery>

export const DeliveryListQuery = Type.Object({
  status: Type.Optional(ref(DeliveryStatus)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Deliveries per page, 1 to 100 (default 50).' })),
  cursor: Type.Optional(CursorParam)
}, { additionalProperties: false })
export type DeliveryListQuery = Static<typeof DeliveryListQuery>

export const WebhookResponse = dataEnvelope('WebhookResponse', ref(Webhook))
export const WebhookWithSecretResponse = dataEnvelope('WebhookWithSecretResponse', ref(WebhookWithSecret))
export const WebhookListResponse = pageEnvelope('WebhookListResponse', ref(Webhook))
export const WebhookDeliveryResponse = dataEnvelope('WebhookDeliveryResponse', ref(WebhookDelivery))
export const WebhookDeliveryListResponse = cursorEnvelope('WebhookDeliveryListResponse', ref(WebhookDelivery))

export const webhookSchemas = [
  Webhook, WebhookWithSecret, CreateWebhookBody, UpdateWebhookBody, DeliveryStatus, WebhookDelivery,
  WebhookResponse, WebhookWithSecretResponse, WebhookListResponse, WebhookDeliveryResponse, WebhookDeliveryListResponse
]
