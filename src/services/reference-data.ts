import { errors, fieldError, type FieldError } from '../errors/index.js'

const currencies = new Set(Intl.supportedValuesOf('currency'))
/** The 249 officially assigned ISO 3166-1 alpha-2 codes (ICU also knows reserved ones such as EU, UK, XK). */
const countries = new Set((
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
  'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' '))
const canonicalTimeZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC'])

/** An ISO 4217 currency the runtime knows: the `iso4217` format of every currency field (src/validation.ts). */
export function isCurrencyCode (code: string): boolean {
  return currencies.has(code)
}

/** The problem with `code` unless it is an assigned ISO 3166-1 alpha-2 country code (null and absent pass). */
export function countryProblem (code: string | null | undefined, field = '/country'): FieldError | undefined {
  return typeof code === 'string' && !countries.has(code) ? fieldError(field, 'notCountryCode') : undefined
}

/** One 422 with every problem found, so a client fixes them all at once; nothing when there are none. */
export function rejectProblems (...problems: Array<FieldError | undefined>): void {
  const found = problems.filter((problem) => problem !== undefined)
  if (found.length > 0) throw errors.INVALID_INPUT({ details: found })
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
 * The problem with `zone` unless it is an IANA time zone name. Intl lists only ICU's canonical names, which are
 * often the older ones (Asia/Calcutta, Europe/Kiev), so current names and links (Asia/Kolkata,
 * Europe/Kyiv, US/Eastern) are accepted when the runtime resolves them. A canonical name in the wrong
 * case (europe/berlin) is refused, so stored names read as the tz database spells them.
 */
export function timeZoneProblem (zone: string | undefined, field = '/timezone'): FieldError | undefined {
  if (zone === undefined || canonicalTimeZones.has(zone)) return undefined
  const resolved = resolveTimeZone(zone)
  return resolved === undefined || resolved.toLowerCase() === zone.toLowerCase() ? fieldError(field, 'notTimeZone') : undefined
}
