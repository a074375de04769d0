import { invalidInput } from '../errors.js'

const currencies = new Set(Intl.supportedValuesOf('currency'))
const timeZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC'])

/** A 422 unless `code` is an ISO 4217 currency the runtime knows. */
export function requireCurrency (code: string | undefined, field = '/currency'): void {
  if (code !== undefined && !currencies.has(code)) throw invalidInput([{ field, message: 'is not an ISO 4217 currency code' }])
}

/** A 422 unless `zone` is an IANA time zone name. */
export function requireTimeZone (zone: string | undefined, field = '/timezone'): void {
  if (zone !== undefined && !timeZones.has(zone)) throw invalidInput([{ field, message: 'is not an IANA time zone' }])
}
