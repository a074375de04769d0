/**
 * The WebSocket protocol of `/api/v1/tenants/{tenant_id}/ws` (README: Live events), as JSON
 * text messages.
 *
 * Client to server:
 *   { "type": "subscribe", "types": "product.*,order.paid", "after": 120 }   types and after optional
 *   { "type": "unsubscribe" }
 *   { "type": "ping" }
 *   { "type": "auth", "token": "<a fresh access token>" }                      extends the stream's life
 * Server to client:
 *   { "type": "subscribed", "after": 120 } then { "type": "event", "event": <Event> } ...
 *   { "type": "reset", "reason": "expired", "last_id": 500 }   the resume point is gone: refetch
 *   { "type": "unsubscribed" } | { "type": "pong" } | { "type": "authenticated", "expires_at": "..." }
 *   { "type": "error", "code": "<an error code, as in REST>", "message": "...", "details": [...] }
 */
export type ClientMessage =
  | { type: 'subscribe', types?: string | undefined, after?: number | undefined }
  | { type: 'unsubscribe' }
  | { type: 'ping' }
  | { type: 'auth', token: string }

/** Close codes (4000-4999 are the application's): the README lists them for clients. */
export const closeCodes = {
  tokenExpired: { code: 4001, reason: 'token expired' },
  accessRevoked: { code: 4003, reason: 'access revoked' },
  slowConsumer: { code: 4008, reason: 'slow consumer: too far behind' },
  /** RFC 6455's "service restart": reconnect (to another instance), resuming after the last event id. */
  shuttingDown: { code: 1012, reason: 'server restarting: reconnect' },
  /** No pong to our pings. */
  unresponsive: { code: 1001, reason: 'no pong' }
} as const

/** The message, or a one-line reason it is not one. */
export function parseClientMessage (text: string): ClientMessage | string {
  if (text.length > 4096) return 'messages are at most 4096 characters'
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return 'not JSON'
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a message is a JSON object with a "type"'
  const message = value as Record<string, unknown>
  switch (message.type) {
    case 'subscribe': {
      const { types, after } = message
      if (types !== undefined && typeof types !== 'string') return '"types" is a comma-separated string'
      if (after !== undefined && (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)) return '"after" is an event id (an integer >= 0)'
      return { type: 'subscribe', types, after }
    }
    case 'unsubscribe':
    case 'ping':
      return { type: message.type }
    case 'auth':
      return typeof message.token === 'string' ? { type: 'auth', token: message.token } : '"token" is an access token'
    default:
      return '"type" is subscribe, unsubscribe, ping or auth'
  }
}
