import { test } from 'node:test'
import assert from 'node:assert/strict'
import { timestampToIso } from '#db/type-parsers.js'
import { uuidv7 } from '#db/ids.js'

test('UTC timestamps from PostgreSQL become RFC 3339 with milliseconds', () => {
  assert.equal(timestampToIso('2026-11-21 10:00:00+00'), '2026-11-21T10:00:00.000Z')
  assert.equal(timestampToIso('2026-11-21 10:00:00.1+00'), '2026-11-21T10:00:00.100Z')
  assert.equal(timestampToIso('2026-11-21 10:00:00.12+00'), '2026-11-21T10:00:00.120Z')
  assert.equal(timestampToIso('2026-11-21 10:00:00.123+00'), '2026-11-21T10:00:00.123Z')
  // Anything else (another session time zone) still comes out right, through Date.
  assert.equal(timestampToIso('2026-11-21 12:00:00.5+02'), '2026-11-21T10:00:00.500Z')
})

test('uuidv7 ids are valid version-7 UUIDs ordered by time', () => {
  const earlier = uuidv7(1_700_000_000_000)
  const later = uuidv7(1_700_000_000_001)
  assert.match(earlier, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.ok(earlier < later)
  assert.equal(earlier.slice(0, 13), '018bcfe5-6800')
})
