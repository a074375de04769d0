import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { WebhookDelivery } from '#src/schemas/webhooks.js'
import { bearer, type TestSession } from './identity.js'
import { eventsNumbered } from './events.js'

/** What creating a webhook answers: the webhook and its secret. */
export interface CreatedWebhook {
  id: string
  url: string
  types: string[]
  active: boolean
  secret: string
}

export function webhooksUrl (session: TestSession): string {
  return `/api/v1/tenants/${session.tenant.id}/webhooks`
}

/** Registers a webhook through the API (admins and owners). */
export async function createWebhook (app: FastifyInstance, session: TestSession, payload: { url: string, types?: string[], active?: boolean }): Promise<CreatedWebhook> {
  const response = await app.inject({ method: 'POST', url: webhooksUrl(session), headers: bearer(session), payload })
  assert.equal(response.statusCode, 201, response.body)
  return response.json().data
}

/** The webhook's delivery log, newest first (one page of up to 100). */
export async function deliveriesOf (app: FastifyInstance, session: TestSession, webhookId: string): Promise<WebhookDelivery[]> {
  const response = await app.inject({ url: `${webhooksUrl(session)}/${webhookId}/deliveries?limit=100`, headers: bearer(session) })
  assert.equal(response.statusCode, 200, response.body)
  return response.json().data
}

/** The outbox id of the event of `type` about `resourceId`, once the sequencer has numbered it. */
export async function eventIdOf (app: FastifyInstance, tenantId: string, type: string, resourceId: string): Promise<number> {
  await eventsNumbered(app)
  const row = await app.db.selectFrom('events').select('id')
    .where('tenant_id', '=', tenantId).where('type', '=', type).where('resource_id', '=', resourceId)
    .executeTakeFirstOrThrow()
  return Number(row.id)
}
