import { createHmac, timingSafeEqual } from 'node:crypto'
import { errors, type AppError } from '../errors/index.js'

/**
 * Opaque cursors for keyset pagination: `<payload>.<mac>`, both base64url, where the payload is the
 * JSON array of the last row's sort key (ending with its id) and the mac is a truncated
 * HMAC-SHA256 over the list kind and the payload. A cursor from another list kind, another
 * server secret, or edited by hand fails the check and is 400 INVALID_CURSOR, as is any cursor
 * whose values do not have the expected shape.
 */
export interface CursorCodec {
  encode(kind: string, key: readonly KeyPart[]): string
  /** The key parts, or 400 INVALID_CURSOR. Callers still check each part's type and format. */
  decode(kind: string, cursor: string): unknown[]
}

export type KeyPart = string | number

const MAC_BYTES = 16
const MAX_LENGTH = 512
const SHAPE = new RegExp(`^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{${Math.ceil(MAC_BYTES * 4 / 3)}}$`)

export function invalidCursor (): AppError {
  return errors.INVALID_CURSOR()
}

/** A codec whose key is derived from `secret` (the JWT secret), so cursors need no storage. */
export function createCursorCodec (secret: string): CursorCodec {
  const key = createHmac('sha256', secret).update('retail-ops-api/cursor/v1').digest()
  const mac = (kind: string, payload: string): Buffer =>
    createHmac('sha256', key).update(kind).update('.').update(payload).digest().subarray(0, MAC_BYTES)

  return {
    encode (kind, parts) {
      const payload = Buffer.from(JSON.stringify(parts)).toString('base64url')
      return `${payload}.${mac(kind, payload).toString('base64url')}`
    },
    decode (kind, cursor) {
      if (cursor.length > MAX_LENGTH || !SHAPE.test(cursor)) throw invalidCursor()
      const [payload = '', signature = ''] = cursor.split('.')
      const given = Buffer.from(signature, 'base64url')
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(kind, payload))) throw invalidCursor()
      let parts: unknown
      try {
        parts = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
      } catch {
        throw invalidCursor()
      }
      if (!Array.isArray(parts)) throw invalidCursor()
      return parts
    }
  }
}

/** The sort key of newest-first lists: created_at, then id as the tie-breaker. */
export interface TimeKey {
  created_at: string
  id: string
}

const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function encodeTimeKey (codec: CursorCodec, kind: string, row: TimeKey): string {
  return codec.encode(kind, [row.created_at, row.id])
}

export function decodeTimeKey (codec: CursorCodec, kind: string, cursor: string): TimeKey {
  const parts = codec.decode(kind, cursor)
  const [createdAt, id] = parts
  if (parts.length !== 2 || typeof createdAt !== 'string' || typeof id !== 'string') throw invalidCursor()
  if (!RFC3339_MS.test(createdAt) || Number.isNaN(Date.parse(createdAt)) || !UUID.test(id)) throw invalidCursor()
  return { created_at: createdAt, id }
}

export interface CursorPage<T> {
  items: T[]
  meta: { limit: number, next_cursor: string | null }
}

/**
 * A page from rows fetched with `limit + 1`: the extra row only says that there is more, and the
 * cursor is the key of the last row shown.
 */
export function cursorPageOf<T> (rows: T[], limit: number, cursorOf: (row: T) => string): CursorPage<T> {
  const items = rows.length > limit ? rows.slice(0, limit) : rows
  const last = items.at(-1)
  return { items, meta: { limit, next_cursor: rows.length > limit && last !== undefined ? cursorOf(last) : null } }
}
