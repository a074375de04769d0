import { eventBounds } from '#db/queries/events.js'
import type { Db } from '#db/schema/index.js'
import { errors, fieldError } from '../errors/index.js'
import { parseTypeFilter } from '../events/catalogue.js'
import { scopeOf, type AuthContext } from './auth-context.js'

export interface StreamStart {
  /** Send the events after this id. */
  after: number
  /** Set when the requested position can no longer be resumed: the client must refetch, then follow from `after`. */
  reset: { reason: 'expired' | 'unknown_position', last_id: number } | null
}

/**
 * Where a stream starts: after the requested id, or, without one, after the last event (only new
 * events). A position older than the retention kept (purged events), or beyond the last event (a
 * client of another database), cannot be resumed without a gap: the client gets a reset.
 */
export async function startPosition (db: Db, auth: AuthContext, requested: number | undefined): Promise<StreamStart> {
  const { oldest, last } = await eventBounds(db, scopeOf(auth))
  if (requested === undefined) return { after: last, reset: null }
  if (requested > last) return { after: last, reset: { reason: 'unknown_position', last_id: last } }
  if (requested < oldest - 1) return { after: last, reset: { reason: 'expired', last_id: last } }
  return { after: requested, reset: null }
}

/** The `types` filter, or 422 naming the field. */
export function typeFilter (text: string | undefined, field: string): ((type: string) => boolean) | null {
  const filter = parseTypeFilter(text)
  if (filter === undefined) throw errors.INVALID_INPUT({ details: [fieldError(field, 'unknownEventType')] })
  return filter
}
