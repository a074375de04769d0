import type { TObject } from 'typebox'
import { AddedMember, Member, Tenant } from '../schemas/identity.js'
import { Location } from '../schemas/locations.js'
import { Order } from '../schemas/orders.js'
import { Product } from '../schemas/products.js'
import { Task } from '../schemas/tasks.js'

/**
 * Every event the outbox records, with the schema of its `data`: the resource as the REST
 * operation that changed it answers (a deletion carries only `{ id }`).
 */
export const eventCatalogue = {
  'product.created': Product,
  'product.updated': Product,
  'product.deleted': null,
  'product.stock_changed': Product,
  'order.placed': Order,
  'order.paid': Order,
  'order.voided': Order,
  'task.created': Task,
  'task.updated': Task,
  'task.assigned': Task,
  'task.completed': Task,
  'task.deleted': null,
  'member.added': AddedMember,
  'member.removed': null,
  'member.role_changed': Member,
  'location.created': Location,
  'location.updated': Location,
  'location.deleted': null,
  'tenant.updated': Tenant
} as const satisfies Record<string, TObject | null>

export type EventType = keyof typeof eventCatalogue
export const eventTypes = Object.keys(eventCatalogue) as EventType[]

/**
 * A type filter as clients write it (`product.*,order.paid`): exact types and `<prefix>.*`
 * wildcards. Undefined when a part names nothing the catalogue has, so the caller can refuse it.
 */
export function parseTypeFilter (text: string | undefined): ((type: string) => boolean) | null | undefined {
  if (text === undefined || text.trim() === '') return null
  const exact = new Set<string>()
  const prefixes: string[] = []
  for (const raw of text.split(',')) {
    const part = raw.trim()
    if (part.endsWith('.*')) {
      const prefix = part.slice(0, -1)
      if (!eventTypes.some((type) => type.startsWith(prefix))) return undefined
      prefixes.push(prefix)
    } else {
      if (!(part in eventCatalogue)) return undefined
      exact.add(part)
    }
  }
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix))
}
