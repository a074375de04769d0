import { Type } from 'typebox'

export const Uuid = Type.String({ format: 'uuid', maxLength: 36, description: 'A UUID (time-ordered v7 for ids this API creates).' })

export const Timestamp = Type.String({ format: 'date-time', maxLength: 24, description: 'RFC 3339 UTC timestamp with milliseconds.', examples: ['2026-11-21T10:00:00.000Z'] })

/** Lower-case slug: letters, digits and single dashes, e.g. `hot-drinks`. */
export const Slug = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', examples: ['hot-drinks'] })

/** ISO 4217 alphabetic code; the `iso4217` format checks it against the runtime's list of currencies. */
export const CurrencyCode = Type.String({ format: 'iso4217', pattern: '^[A-Z]{3}$', maxLength: 3, description: 'ISO 4217 code, upper case.', examples: ['EUR'] })

export const MoneyCents = Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Integer minor units (cents).' })

/** A free-text search term: matched case-insensitively as a substring; wildcards are literal. */
export const SearchTerm = Type.String({ minLength: 1, maxLength: 100, description: 'Case-insensitive substring of the name; % and _ match themselves.' })

/** ISO 3166-1 alpha-2; checked against the assigned codes by the service. */
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', maxLength: 2, description: 'ISO 3166-1 alpha-2 code, upper case.', examples: ['DE'] })

/** An IANA time zone name; checked against the runtime's time zone database by the service. */
export const TimeZoneName = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone name.', examples: ['Europe/Berlin'] })

/**
 * An instant in a request: RFC 3339 with an offset. The pattern keeps to what PostgreSQL stores and
 * reads back as a four-digit year: years 1000 to 9998 (no year 0, no rounding into year 10000) and
 * offsets up to 14:59 (PostgreSQL refuses 16:00 and beyond).
 */
export const dateTimeInput = {
  format: 'date-time',
  // The longest: 9998-12-31T23:59:59.999999999+14:00.
  maxLength: 35,
  pattern: '^(?!9999)[1-9][0-9]{3}-.*(?:[Zz]|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])$'
} as const

export const DateTimeInput = Type.String({
  ...dateTimeInput,
  description: 'RFC 3339 with a time zone offset (Z or +hh:mm), years 1000 to 9998; returned in UTC.',
  examples: ['2026-12-01T17:00:00Z']
})

/** `?in_stock=true` and friends: the query string says "true"/"false". */
export const BooleanFlag = Type.Boolean()

export function nullable<T extends Parameters<typeof Type.Union>[0][number]> (schema: T) {
  return Type.Union([schema, Type.Null()])
}
