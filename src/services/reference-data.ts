import { invalidInput } from '../errors.js'

const currencies = new Set(Intl.supportedValuesOf('currency'))
const canonicalTimeZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC'])

/** A 422 unless `code` is an ISO 4217 currency the runtime knows. */
export function requireCurrency (code: string | undefined, field = '/currency'): void {
  if (code !== undefined && !currencies.has(code)) throw invalidInput([{ field, message: 'is not an ISO 4217 currency code' }])
}

/** The zone the runtime resolves a name to, or undefined when it knows none (UTC offsets are not names). */
function resolveTimeZone (zone: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return undefined
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

/**
 * A 422 unless `zone` is an IANA time zone name. Intl lists only ICU's canonical names, which are
 * often the older ones (Asia/Calcutta, Europe/Kiev), so current names and links (Asia/Kolkata,
 * Europe/Kyiv, US/Eastern) are accepted when the runtime resolves them. A canonical name in the wrong
 * case (europe/berlin) is refused, so stored names read as the tz database spells them.
 */
export function requireTimeZone (zone: string | undefined, field = '/timezone'): void {
  if (zone === undefined || canonicalTimeZones.has(zone)) return
  const resolved = resolveTimeZone(zone)
  if (resolved === undefined || resolved.toLowerCase() === zone.toLowerCase()) throw invalidInput([{ field, message: 'is not an IANA time zone' }])
}
