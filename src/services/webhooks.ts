import { countWebhooks, deleteWebhook as deleteWebhookRow, findWebhook, insertWebhook, listWebhooks as listWebhookRows, lockTenantWebhooks, lockWebhook, resetDeliveryState, rotateWebhookSecret, updateWebhook as updateWebhookRow, type WebhookChanges } from '#db/queries/webhooks.js'
import type { Db } from '#db/schema/index.js'
import { uuidv7 } from '#db/ids.js'
import { errors, fieldError } from '../errors/index.js'
import type { CreateWebhookBody, UpdateWebhookBody, Webhook, WebhookListQuery } from '../schemas/webhooks.js'
import { unknownTypes } from '../webhooks/event-types.js'
import { newWebhookSecret } from '../webhooks/signature.js'
import { checkWebhookUrl, TargetRefused, type TargetPolicy } from '../webhooks/ssrf.js'
import { requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { fetchPage, type Page } from './pagination.js'

/** A webhook as stored: the API shape plus the version its ETag is made from. */
export type WebhookRecord = Webhook & { version: number }
export type WebhookWithSecretRecord = WebhookRecord & { secret: string }

/** Each endpoint multiplies the work every event costs: a tenant gets this many. */
export const WEBHOOKS_PER_TENANT = 20
/** After a rotation the previous secret still signs for this long. */
const ROTATION_OVERLAP_HOURS = 24

/** 422 naming `/url` or `/types/<i>` when the URL is refused or a type is unknown. */
function checkInput (input: { url?: string | undefined, types?: string[] | undefined }, policy: TargetPolicy): void {
  if (input.url !== undefined) {
    try {
      checkWebhookUrl(input.url, policy)
    } catch (error) {
      if (!(error instanceof TargetRefused)) throw error
      throw errors.INVALID_INPUT({ reason: 'webhookUrl', details: [fieldError('/url', 'webhookUrlRefused', { reason: error.message })] })
    }
  }
  const unknown = unknownTypes(input.types ?? [])
  if (unknown.length > 0) throw errors.INVALID_INPUT({ reason: 'unknownEventTypes', details: unknown })
}

export async function createWebhook (db: Db, auth: AuthContext, input: CreateWebhookBody, policy: TargetPolicy): Promise<WebhookWithSecretRecord> {
  requireRole(auth, 'admin')
  checkInput(input, policy)
  const scope = scopeOf(auth)
  return await db.transaction().execute(async (trx) => {
    await lockTenantWebhooks(trx, scope)
    if (await countWebhooks(trx, scope) >= WEBHOOKS_PER_TENANT) throw errors.WEBHOOK_LIMIT_REACHED({ params: { limit: WEBHOOKS_PER_TENANT } })
    return await insertWebhook(trx, scope, {
      id: uuidv7(),
      url: input.url,
      types: input.types ?? [],
      active: input.active ?? true,
      secret: newWebhookSecret(),
      created_by: auth.userId
    })
  })
}

export async function getWebhook (db: Db, auth: AuthContext, id: string): Promise<WebhookRecord> {
  requireRole(auth, 'admin')
  const webhook = await findWebhook(db, scopeOf(auth), id)
  if (webhook === undefined) throw errors.WEBHOOK_NOT_FOUND()
  return webhook
}

export async function listWebhooks (db: Db, auth: AuthContext, query: WebhookListQuery): Promise<Page<WebhookRecord>> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  return await fetchPage(query, async (window) => await listWebhookRows(db, scope, window), async () => await countWebhooks(db, scope))
}

/**
 * Partial update. Re-enabling a webhook (or pointing it elsewhere) starts its deliveries afresh:
 * no failure streak or pause, pending deliveries due now with a new 24-hour window.
 */
export async function updateWebhook (db: Db, auth: AuthContext, id: string, changes: UpdateWebhookBody, policy: TargetPolicy, versions?: number[]): Promise<WebhookRecord> {
  requireRole(auth, 'admin')
  checkInput(changes, policy)
  const scope = scopeOf(auth)
  return await db.transaction().execute(async (trx) => {
    const current = await lockWebhook(trx, scope, id)
    if (current === undefined) throw errors.WEBHOOK_NOT_FOUND()
    if (versions !== undefined && !versions.includes(current.version)) throw errors.PRECONDITION_FAILED()
    const update: WebhookChanges = { url: changes.url, types: changes.types, active: changes.active }
    const fresh = (changes.active === true && !current.active) || changes.url !== undefined
    if (fresh) await resetDeliveryState(trx, scope, id)
    return await updateWebhookRow(trx, scope, id, update)
  })
}

/** A new secret, answered once; the old one keeps signing too for ROTATION_OVERLAP_HOURS. */
export async function rotateSecret (db: Db, auth: AuthContext, id: string): Promise<WebhookWithSecretRecord> {
  requireRole(auth, 'admin')
  const rotated = await db.transaction().execute(async (trx) => await rotateWebhookSecret(trx, scopeOf(auth), id, newWebhookSecret(), ROTATION_OVERLAP_HOURS))
  if (rotated === undefined) throw errors.WEBHOOK_NOT_FOUND()
  return rotated
}

export async function deleteWebhook (db: Db, auth: AuthContext, id: string, versions?: number[]): Promise<void> {
  requireRole(auth, 'admin')
  const scope = scopeOf(auth)
  if (await deleteWebhookRow(db, scope, id, versions)) return
  if (await findWebhook(db, scope, id) === undefined) throw errors.WEBHOOK_NOT_FOUND()
  throw errors.PRECONDITION_FAILED()
}
