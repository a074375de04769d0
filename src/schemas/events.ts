import { Type, type Static } from 'typebox'
import { eventTypes } from '../events/catalogue.js'
import { dataEnvelope } from './envelope.js'
import { nullable, Timestamp, Uuid } from './fields.js'
import { AddedMember, Member, Tenant } from './identity.js'
import { Location } from './locations.js'
import { Order } from './orders.js'
import { Product } from './products.js'
import { Task } from './tasks.js'
import { ref } from './ref.js'

const EventType = Type.Enum(eventTypes, { $id: 'EventType', description: 'What changed: `<resource>.<change>`.' })

const Deleted = Type.Object({ id: Uuid }, { $id: 'DeletedResource', additionalProperties: false, description: 'A deletion carries only the id.' })

export const Event = Type.Object({
  id: Type.Integer({ minimum: 1, description: 'Increases by one per event within the tenant, in commit order: resume after it with `Last-Event-ID` or `after`.' }),
  type: ref(EventType),
  tenant_id: Uuid,
  resource_id: Uuid,
  actor_id: nullable(Uuid),
  occurred_at: Timestamp,
  data: Type.Union([
    ref(Product), ref(Order), ref(Task), ref(AddedMember), ref(Member), ref(Location), ref(Tenant), ref(Deleted)
  ], { description: 'The resource as the REST operation that changed it answers; `{ id }` for a deletion.' })
}, { $id: 'Event', additionalProperties: false })
export type Event = Static<typeof Event>

const TypeFilter = Type.String({
  minLength: 1,
  maxLength: 500,
  description: 'Comma-separated event types or `<resource>.*` wildcards; absent: every type.',
  examples: ['product.*,order.paid']
})

export const EventStreamQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999_999_999, description: 'Send the events after this id first (as `Last-Event-ID`, which wins); absent: only new events.' })),
  types: Type.Optional(TypeFilter),
  ticket: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A single-use ticket from POST .../events/tickets, for EventSource, which cannot send Authorization.' }))
}, { additionalProperties: false })

export const LastEventId = Type.String({ pattern: '^[0-9]{1,15}$', maxLength: 15, description: 'The id of the last event received: the stream resumes after it.' })

export const EventStreamHeaders = Type.Object({
  'last-event-id': Type.Optional(LastEventId)
})

export const StreamTicket = Type.Object({
  ticket: Type.String({ description: 'Use once, within a minute: `GET .../events?ticket=...` or `.../ws?ticket=...`.' }),
  expires_at: Timestamp
}, { $id: 'StreamTicket', additionalProperties: false })

export const StreamTicketResponse = dataEnvelope('StreamTicketResponse', ref(StreamTicket))

export const eventSchemas = [EventType, Deleted, Event, StreamTicket, StreamTicketResponse]
