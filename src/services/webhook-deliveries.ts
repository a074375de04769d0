import { listDeliveries as listDeliveryRows, requeueDelivery } from '#db/queries/webhook-deliveries.js'
import { findWebhook } from '#db/queries/webhooks.js'
import type { Db } from '#db/schema/index.js'
import { errors } from '../errors/index.js'
import type { DeliveryListQuery, WebhookDelivery } from '../schemas/webhooks.js'
import { requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { cursorPageOf, decodeTimeKey, encodeTimeKey, type CursorCodec, type CursorPage } from './cursor.js'

const CURSOR_KIND = 'webhook-deliveries'
const DEFAULT_LIMIT = 50

/** The webhook's delivery log, newest first, cursor-paginated; 404 when the webhook is not the tenant's. */
export async function listDeliveries (db: Db, auth: AuthContext, webhookId: string, query: DeliveryListQuery, cursors: CursorCodec): Promise<CursorPage<WebhookDelivery>> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? undefined : decodeTimeKey(cursors, CURSOR_KIND, query.cursor)
  const [webhook, rows] = await Promise.all([
    findWebhook(db, scope, webhookId),
    listDeliveryRows(db, scope, webhookId, { status: query.status }, limit, after)
  ])
  if (webhook === undefined) throw errors.WEBHOOK_NOT_FOUND()
  return cursorPageOf(rows, limit, (row) => encodeTimeKey(cursors, CURSOR_KIND, row))
}

/**
 * Queues a delivery again, now (whatever its status), with a fresh 24-hour retry window. The
 * receiver gets the same event id (`Webhook-Id`) again. 409 while the webhook is inactive.
 */
export async function redeliver (db: Db, auth: AuthContext, webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  const webhook = await findWebhook(db, scope, webhookId)
  if (webhook === undefined) throw errors.WEBHOOK_NOT_FOUND()
  if (!webhook.active) throw errors.WEBHOOK_INACTIVE()
  return await db.transaction().execute(async (trx) => {
    const delivery = await requeueDelivery(trx, scope, webhookId, deliveryId)
    // Thrown inside, so the endpoint's wake-up rolls back with it.
    if (delivery === undefined) throw errors.WEBHOOK_DELIVERY_NOT_FOUND()
    return delivery
  })
}
