import type { TSchema } from 'typebox'
import type { FieldMessageKey } from '../errors/field-messages.js'
import { LastEventId } from './events.js'
import { CountryCode, CurrencyCode, dateTimeInput, Slug } from './fields.js'
import { IdempotencyKey } from './idempotency.js'
import { Email } from './identity.js'
import { VoidReason } from './orders.js'
import { EventTypePattern } from './webhooks.js'

function patternOf (schema: TSchema | { pattern: string }): string {
  const { pattern } = schema as { pattern?: unknown }
  if (typeof pattern !== 'string') throw new Error('this schema has no pattern')
  return pattern
}

/**
 * What a value that breaks a pattern or a format is told (src/errors/field-messages.ts), keyed
 * by the pattern itself: no client should have to read a regular expression.
 */
export const patternMessages = new Map<string, FieldMessageKey>([
  [patternOf(Slug), 'slug'],
  [patternOf(Email), 'email'],
  [patternOf(dateTimeInput), 'instant'],
  [patternOf(CurrencyCode), 'currencyCode'],
  [patternOf(CountryCode), 'countryCode'],
  [patternOf(IdempotencyKey), 'visibleAscii'],
  [patternOf(LastEventId), 'eventId'],
  [patternOf(EventTypePattern), 'eventTypePattern'],
  [patternOf(VoidReason), 'notBlankText']
])

export const formatMessages = new Map<string, FieldMessageKey>([
  ['uuid', 'uuid'],
  ['date-time', 'instant'],
  ['iso4217', 'currencyCode']
])
