import pg from 'pg'

const TIMESTAMPTZ_OID = 1184
const INT8_OID = 20

/**
 * PostgreSQL prints a UTC timestamptz as `2026-11-21 10:00:00.12+00`. The API speaks RFC 3339 with
 * milliseconds (`2026-11-21T10:00:00.120Z`), and columns are timestamptz(3), so the text can be
 * reshaped directly instead of going through a Date and back on every row.
 */
export function timestampToIso (text: string): string {
  if (text.length >= 22 && text.length <= 26 && text[10] === ' ' && text.endsWith('+00')) {
    const fraction = text.length > 22 ? text.slice(20, text.length - 3) : ''
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.padEnd(3, '0')}Z`
  }
  return new Date(text).toISOString()
}

/** Counts are bigint; every count this API returns fits comfortably in a double. */
function parseInt8 (text: string): number {
  return Number(text)
}

export const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === TIMESTAMPTZ_OID) return timestampToIso
    if (oid === INT8_OID) return parseInt8
    return pg.types.getTypeParser(oid, format as 'text')
  }) as pg.CustomTypesConfig['getTypeParser']
}
