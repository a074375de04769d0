import type { StoredEvent } from '#db/queries/events.js'

/** Each event is written once per instance, however many streams send it (the feed shares the objects). */
const written = new WeakMap<StoredEvent, string>()

/** An event as streams and webhooks send it (the `Event` schema): JSON text. */
export function eventJson (tenantId: string, event: StoredEvent): string {
  let json = written.get(event)
  if (json === undefined) {
    json = JSON.stringify({
      id: event.id,
      type: event.type,
      tenant_id: tenantId,
      resource_id: event.resource_id,
      actor_id: event.actor_id,
      occurred_at: event.occurred_at,
      data: event.data
    })
    written.set(event, json)
  }
  return json
}

/** One Server-Sent Event: `id:` is the event id, for Last-Event-ID; the default (message) event. */
export function sseEvent (tenantId: string, event: StoredEvent): string {
  return `id: ${event.id}\ndata: ${eventJson(tenantId, event)}\n\n`
}

/** A named control event (`reset`, `reconnect`, `token_expired`, ...) with a JSON body. */
export function sseControl (name: string, body: object): string {
  return `event: ${name}\ndata: ${JSON.stringify(body)}\n\n`
}
