import type { TObject } from 'typebox'
import { eventCatalogue, type EventType } from './catalogue.js'

/**
 * An event's `data` as JSON text: the resource's fields as its schema lists them (records carry
 * a `version` for ETags that the API does not show), or `{ id }` for a deletion. Nested values are
 * already in their API shape (order lines come from a query that selects exactly those columns).
 */
export function eventData (type: EventType, resource: { id: string } | Record<string, unknown>): string {
  const schema: TObject | null = eventCatalogue[type]
  if (schema === null) return JSON.stringify({ id: (resource as { id: string }).id })
  const shown: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) shown[key] = (resource as Record<string, unknown>)[key]
  return JSON.stringify(shown)
}
