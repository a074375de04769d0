import { test } from 'node:test'
import assert from 'node:assert/strict'
import { requireCurrency, requireTimeZone } from '../../../src/services/reference-data.js'

const refuses = (check: () => void, field: string) => assert.throws(check, (error: { code?: string, details?: Array<{ field: string }> }) => {
  assert.equal(error.code, 'INVALID_INPUT')
  assert.deepEqual(error.details?.map((detail) => detail.field), [field])
  return true
})

test('time zones: canonical IANA names and current links pass; offsets, unknown and mis-cased names are 422', () => {
  for (const zone of ['Europe/Berlin', 'UTC', 'Etc/UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires', 'US/Eastern', undefined]) {
    assert.doesNotThrow(() => requireTimeZone(zone), String(zone))
  }
  for (const zone of ['Mars/Olympus_Mons', 'europe/berlin', 'utc', '+01:00', '-05:00', 'Europe/Berlin ', '', 'Europe/../Berlin']) {
    refuses(() => requireTimeZone(zone), '/timezone')
  }
})

test('currencies: ISO 4217 codes only', () => {
  assert.doesNotThrow(() => requireCurrency('EUR'))
  assert.doesNotThrow(() => requireCurrency(undefined))
  refuses(() => requireCurrency('XYZ'), '/currency')
  refuses(() => requireCurrency('eur', '/price/currency'), '/price/currency')
})
