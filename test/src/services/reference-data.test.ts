import { test } from 'node:test'
import assert from 'node:assert/strict'
import { countryProblem, isCurrencyCode, rejectProblems, timeZoneProblem } from '#src/services/reference-data.js'

const refuses = (check: () => void, fields: string[]) => assert.throws(check, (error: { code?: string, details?: Array<{ field: string }> }) => {
  assert.equal(error.code, 'INVALID_INPUT')
  assert.deepEqual(error.details?.map((detail) => detail.field), fields)
  return true
})
const requireTimeZone = (zone: string | undefined): void => { rejectProblems(timeZoneProblem(zone)) }
const requireCountry = (code: string | null | undefined): void => { rejectProblems(countryProblem(code)) }

test('time zones: canonical IANA names and current links pass; offsets, unknown and mis-cased names are 422', () => {
  for (const zone of ['Europe/Berlin', 'UTC', 'Etc/UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires', 'US/Eastern', undefined]) {
    assert.doesNotThrow(() => requireTimeZone(zone), String(zone))
  }
  for (const zone of ['Mars/Olympus_Mons', 'europe/berlin', 'utc', '+01:00', '-05:00', 'Europe/Berlin ', '', 'Europe/../Berlin']) {
    refuses(() => requireTimeZone(zone), ['/timezone'])
  }
})

test('currencies (the iso4217 format of every currency field): ISO 4217 codes only', () => {
  for (const code of ['EUR', 'USD', 'LBP', 'AED', 'JPY']) assert.equal(isCurrencyCode(code), true, code)
  for (const code of ['XYZ', 'ZZZ', 'eur', 'EURO', '']) assert.equal(isCurrencyCode(code), false, code)
})

test('countries: assigned ISO 3166-1 alpha-2 codes only', () => {
  for (const code of ['DE', 'US', 'GB', 'AX', 'ZW', null, undefined]) assert.doesNotThrow(() => requireCountry(code), String(code))
  for (const code of ['UK', 'EU', 'XK', 'ZZ', 'de', 'DEU']) refuses(() => requireCountry(code), ['/country'])
})

test('a bad time zone and a bad country are reported together', () => {
  refuses(() => { rejectProblems(timeZoneProblem('Mars/Olympus_Mons'), countryProblem('ZZ')) }, ['/timezone', '/country'])
  assert.doesNotThrow(() => { rejectProblems(timeZoneProblem('Asia/Beirut'), countryProblem('LB'), undefined) })
})
