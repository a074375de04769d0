import { recordEvents, type NewEvent } from '#db/queries/events.js'
import type { Trx } from '#db/schema/index.js'
import type { EventType } from '../events/catalogue.js'
import { eventData } from '../events/payload.js'
import { scopeOf, type AuthContext } from './auth-context.js'

/** A change to record: the resource as the API returns it, or its id for a deletion. */
export interface Change {
  type: EventType
  resource: { id: string } & Record<string, unknown>
}

/** A product's stock changed by an order or a void: rendered by SQL from the row as it is now. */
export function stockChanged (productId: string): Change & { fromProductRow: true } {
  return { type: 'product.stock_changed', resource: { id: productId }, fromProductRow: true }
}

/** Records the changes of a write in its transaction (the outbox: see db/queries/events.ts). */
export async function recordChanges (trx: Trx, auth: AuthContext, changes: ReadonlyArray<Change & { fromProductRow?: true }>): Promise<void> {
  const events: NewEvent[] = changes.map((change) => ({
    type: change.type,
    resourceId: change.resource.id,
    actorId: auth.userId,
    data: change.fromProductRow === true ? null : eventData(change.type, change.resource)
  }))
  await recordEvents(trx, scopeOf(auth), events)
}
