import type { FieldError } from '../errors/index.js'
import { eventTypes, parseTypeFilter } from '../events/catalogue.js'

/** One detail per entry of `types` that names no event type of the catalogue (`/types/2`). */
export function unknownTypes (types: readonly string[]): FieldError[] {
  const details: FieldError[] = []
  for (const [index, type] of types.entries()) {
    if (type.includes(',') || parseTypeFilter(type) === undefined) {
      details.push({ field: `/types/${index}`, message: `is not an event type nor a "<prefix>.*" pattern of one (known: ${eventTypes.join(', ')})` })
    }
  }
  return details
}

/**
 * Whether an endpoint subscribed to `types` gets an event of `type`: an empty list takes every
 * type. Matched by hand rather than through parseTypeFilter, so a type later removed from the
 * catalogue does not stop the endpoint's other types.
 */
export function typeMatcher (types: readonly string[]): (type: string) => boolean {
  if (types.length === 0) return () => true
  const exact = new Set(types.filter((type) => !type.endsWith('.*')))
  const prefixes = types.filter((type) => type.endsWith('.*')).map((type) => type.slice(0, -1))
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix))
}
