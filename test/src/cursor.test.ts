import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '#src/errors/index.js'
import { createCursorCodec, cursorPageOf, decodeTimeKey, encodeTimeKey } from '#src/services/cursor.js'

const codec = createCursorCodec('a-secret-of-at-least-thirty-two-bytes')
const key = { created_at: '2026-11-21T10:00:00.123Z', id: '01a1ff21-834e-7618-8833-532c9eb663fb' }

function isInvalidCursor (error: unknown): boolean {
  return error instanceof AppError && error.code === 'INVALID_CURSOR' && error.statusCode === 400
}

test('a time key survives the round trip, and the cursor is URL-safe', () => {
  const cursor = encodeTimeKey(codec, 'orders', key)
  assert.match(cursor, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  assert.deepEqual(decodeTimeKey(codec, 'orders', cursor), key)
})

test('a cursor only decodes for its own kind and secret', () => {
  const cursor = encodeTimeKey(codec, 'orders', key)
  assert.throws(() => decodeTimeKey(codec, 'events', cursor), isInvalidCursor)
  assert.throws(() => decodeTimeKey(createCursorCodec('another-secret-of-at-least-32-bytes!'), 'orders', cursor), isInvalidCursor)
})

test('signed values of the wrong shape are refused too', () => {
  for (const parts of [[], [key.created_at], [key.created_at, key.id, 'x'], ['2026-11-21T10:00:00Z', key.id], ['2026-13-45T10:00:00.000Z', key.id], [key.created_at, key.id.toUpperCase()], [1, key.id]]) {
    assert.throws(() => decodeTimeKey(codec, 'orders', codec.encode('orders', parts)), isInvalidCursor, JSON.stringify(parts))
  }
  const notArray = `${Buffer.from('{"a":1}').toString('base64url')}`
  assert.throws(() => codec.decode('orders', `${notArray}.${'A'.repeat(22)}`), isInvalidCursor)
})

test('cursorPageOf: the extra row only signals more; the cursor is the last row shown', () => {
  const rows = [{ n: 1 }, { n: 2 }, { n: 3 }]
  assert.deepEqual(cursorPageOf(rows, 2, (row) => `c${row.n}`), { items: [{ n: 1 }, { n: 2 }], meta: { limit: 2, next_cursor: 'c2' } })
  assert.deepEqual(cursorPageOf(rows, 3, (row) => `c${row.n}`), { items: rows, meta: { limit: 3, next_cursor: null } })
  assert.deepEqual(cursorPageOf([], 3, () => 'x'), { items: [], meta: { limit: 3, next_cursor: null } })
})
