/**
 * fast-check arbitraries from the JSON-schema subset of an OpenAPI 3.1 document: values that keep
 * the schema (mostly), values that break it in one place, and hostile values.
 *
 * Generated values may hold `Live` placeholders: "the tenant's real product id", "the current
 * refresh token". They are replaced when the request is sent, so a value fast-check replays while
 * shrinking means the same thing even after the test's fixtures changed.
 */
import fc from 'fast-check'
import { dereference, type JsonSchema, type OpenApiDocument } from './openapi-document.js'

export type LiveName =
  | 'tenant' | 'otherTenant'
  | 'owner' | 'member' | 'outsider'
  | 'ownerEmail' | 'memberEmail' | 'outsiderEmail'
  | 'product' | 'secondProduct' | 'spareProduct' | 'otherProduct'
  | 'location' | 'spareLocation' | 'otherLocation'
  | 'order' | 'otherOrder'
  | 'task' | 'otherTask'
  | 'refreshToken' | 'cursor' | 'etag'

/** How a live value is written: as it is, in upper case, as urn:uuid:<id>, or with spaces around. */
export type LiveForm = 'exact' | 'upper' | 'urn' | 'padded'

/** A placeholder for a value of the running test, resolved when the request is sent. */
export class Live {
  constructor (readonly name: LiveName, readonly form: LiveForm = 'exact') {}

  apply (value: string): string {
    switch (this.form) {
      case 'exact': return value
      case 'upper': return value.toUpperCase()
      case 'urn': return `urn:uuid:${value}`
      case 'padded': return `  ${value} `
    }
  }

  [fc.toStringMethod] (): string {
    return this.form === 'exact' ? `live(${this.name})` : `live(${this.name}, ${this.form})`
  }
}

/** Text already percent-encoded for a URL (malformed escapes, an encoded NUL), sent as it is. */
export class Raw {
  constructor (readonly text: string) {}

  [fc.toStringMethod] (): string {
    return `raw(${JSON.stringify(this.text)})`
  }
}

export type Wire = null | boolean | number | string | Live | Raw | Wire[] | { [key: string]: Wire }

/** Where a value goes: a path, query or header parameter, or the JSON body. */
export type Place = 'path' | 'query' | 'header' | 'body'

/** Real values for a property or parameter name (ids, emails, tokens) in a place, or undefined. */
export type Hints = (name: string, place: Place) => fc.Arbitrary<Wire> | undefined

export interface SchemaContext {
  document: OpenApiDocument
  hints: Hints
  place: Place
}

const MAX_DEPTH = 8
/** Generated strings and arrays stay short unless the schema demands more: big ones come from the hostile values. */
const STRING_CAP = 40
const ARRAY_CAP = 3
const INT32 = 2 ** 31

function isWire (value: unknown): value is Wire {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return true
  if (Array.isArray(value)) return value.every(isWire)
  return typeof value === 'object' && Object.values(value).every(isWire)
}

/** A value the schema accepts, or meant to (semantic rules such as "a real IANA time zone" are the server's). */
export function validValue (schema: JsonSchema, context: SchemaContext, name?: string, depth = 0): fc.Arbitrary<Wire> {
  const resolved = dereference(context.document, schema)
  const plain = plainValue(resolved, context, depth)
  const hinted = name === undefined ? undefined : context.hints(name, context.place)
  return hinted === undefined ? plain : fc.oneof({ weight: 5, arbitrary: hinted }, { weight: 1, arbitrary: plain })
}

function plainValue (schema: JsonSchema, context: SchemaContext, depth: number): fc.Arbitrary<Wire> {
  if (depth > MAX_DEPTH) return fc.constant(null)
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum.filter(isWire))
  const choices = schema.anyOf ?? schema.oneOf
  if (choices !== undefined) return fc.oneof(...choices.map((choice) => validValue(choice, context, undefined, depth + 1)))
  if (schema.allOf !== undefined) return validValue(Object.assign({}, ...schema.allOf.map((part) => dereference(context.document, part))), context, undefined, depth + 1)
  const type = schema.type ?? (schema.properties !== undefined ? 'object' : schema.items !== undefined ? 'array' : undefined)
  switch (type) {
    case 'string': return stringValue(schema)
    case 'integer': return integerValue(schema)
    case 'number': return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'array': {
      const minLength = schema.minItems ?? 0
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? ARRAY_CAP, ARRAY_CAP))
      if (schema.items === undefined) return fc.array(fc.constant(null), { minLength, maxLength })
      const items = validValue(schema.items, context, undefined, depth + 1)
      const key = identifyingKey(dereference(context.document, schema.items), context)
      if (key === undefined) return fc.array(items, { minLength, maxLength })
      // Lines of an array of objects name different things (an order names each product once).
      return fc.uniqueArray(items, { minLength, maxLength, selector: (item) => isPlainObject(item) ? fc.stringify(item[key]) : fc.stringify(item) })
    }
    case 'object': return objectValue(schema, context, depth)
    default: return fc.constant(null)
  }
}

/** The first required uuid property of an object schema: what tells its instances apart. */
function identifyingKey (schema: JsonSchema, context: SchemaContext): string | undefined {
  return (schema.required ?? []).find((key) => {
    const property = schema.properties?.[key]
    return property !== undefined && dereference(context.document, property).format === 'uuid'
  })
}

function objectValue (schema: JsonSchema, context: SchemaContext, depth: number): fc.Arbitrary<Wire> {
  const properties = Object.entries(schema.properties ?? {})
  const model: Record<string, fc.Arbitrary<Wire>> = {}
  for (const [key, property] of properties) model[key] = validValue(property, context, key, depth + 1)
  const required = (schema.required ?? []).filter((key) => key in model)
  const record = fc.record(model, { requiredKeys: required, noNullPrototype: true })
  const minProperties = schema.minProperties ?? 0
  return minProperties > 0 ? record.filter((value) => Object.keys(value).length >= minProperties) : record
}

function integerValue (schema: JsonSchema): fc.Arbitrary<Wire> {
  const min = Math.max(schema.minimum ?? -INT32, Number.MIN_SAFE_INTEGER)
  const max = Math.min(schema.maximum ?? INT32 - 1, Number.MAX_SAFE_INTEGER)
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(min, max) }, { weight: 4, arbitrary: fc.integer({ min, max }) })
}

const EMAIL_HINT = /@/

function stringValue (schema: JsonSchema): fc.Arbitrary<Wire> {
  const minLength = schema.minLength ?? 0
  const maxLength = schema.maxLength ?? Number.MAX_SAFE_INTEGER
  const fits = (text: string): boolean => [...text].length >= minLength && [...text].length <= maxLength
  switch (schema.format) {
    case 'uuid': return fc.uuid({ version: [4, 7] })
    case 'date-time': return dateTime()
    case 'iso4217': return fc.constantFrom('EUR', 'USD', 'GBP', 'JPY', 'CHF')
  }
  if (schema.pattern !== undefined) {
    if (EMAIL_HINT.test(schema.pattern)) return email().filter(fits)
    return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(fits)
  }
  const cap = Math.max(minLength, Math.min(maxLength, STRING_CAP))
  const text = fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength: cap }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength: cap, unit: 'grapheme' }) }
  )
  // Blank text is refused by the API's notBlank rule: it comes from the hostile values instead.
  return minLength > 0 ? text.filter((value) => value.trim() !== '' && fits(value)) : text.filter(fits)
}

export function email (): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.emailAddress() },
    { weight: 1, arbitrary: fc.emailAddress().map((address) => ` ${address.toUpperCase()} `) }
  )
}

const OFFSETS: Array<[string, number]> = [['Z', 0], ['z', 0], ['+00:00', 0], ['+05:30', 330], ['-08:00', -480], ['+14:00', 840]]

/** RFC 3339 date-times in years 1000 to 9998 (the API's range), mostly near 2026, in UTC or with an offset. */
export function dateTime (): fc.Arbitrary<string> {
  const instant = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2029, 11, 31) }) },
    { weight: 1, arbitrary: fc.integer({ min: Date.UTC(1000, 0, 1, 12), max: Date.UTC(9998, 11, 30) }) }
  )
  return fc.tuple(instant, fc.constantFrom(...OFFSETS), fc.boolean()).map(([time, [suffix, minutes], millis]) => {
    const local = new Date(time + minutes * 60_000).toISOString().slice(0, millis ? 23 : 19)
    return `${local}${suffix}`
  })
}

/** Text that breaks something somewhere: NUL, unpaired surrogates, blanks, look-alike numbers and ids, markup. */
export const hostileTexts = [
  '', ' ', '\t\n ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\uFFFD', '\u202Eevil', '\uFEFF', 'ﬃ', '𝕏', '👩‍👩‍👧', 'é',
  '%00', '\\u0000', "' OR 1=1 --", '<script>alert(1)</script>', '__proto__', 'constructor', 'null', 'true',
  '1e309', '-1e309', 'Infinity', 'NaN', '-1', '1.5', '9007199254740993', '0x10',
  'urn:uuid:0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b', '0190A5C4-1F3A-7C2E-8A7B-3C9D2E4F5A6B', '00000000-0000-0000-0000-000000000000',
  '0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6', '{0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b}', '2026-02-30T10:00:00Z', '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z', '2026-01-01', '%', '_', '*'
]

/** Strings over every maxLength of the document (the longest is 5000), some far over. */
export const overLongText = fc.constantFrom(201, 1001, 5001, 20_000).map((length) => 'x'.repeat(length))

export const hostileNumbers = [-1, 0, 1.5, -0.5, 2 ** 31, -(2 ** 31) - 1, 1e15, 2 ** 53 + 2, 1e308, -1e308, 5e-324]

/** A JSON value that is wrong almost anywhere. */
export const hostileValue: fc.Arbitrary<Wire> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...hostileTexts) },
  { weight: 1, arbitrary: overLongText },
  { weight: 2, arbitrary: fc.constantFrom(...hostileNumbers) },
  { weight: 2, arbitrary: fc.constantFrom<Wire>(null, true, false, [], {}, [null], { nested: { deep: [1] } }, [['x']]) }
)

/** Keys an API must refuse (additionalProperties: false) or ignore, never trust. */
const EXTRA_KEYS = ['unexpected', 'id', 'tenant_id', 'created_by', 'version', 'price', 'role', 'unit_price_cents', 'constructor', '']

type Path = Array<string | number>

/** Where a value can be changed: itself (the empty path), and each property and array element, at any depth. */
function positions (value: Wire, path: Path = []): Path[] {
  const found: Path[] = [path]
  if (Array.isArray(value)) value.forEach((item, index) => found.push(...positions(item, [...path, index])))
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) found.push(...positions(item, [...path, key]))
  return found
}

function isPlainObject (value: Wire): value is { [key: string]: Wire } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Live) && !(value instanceof Raw)
}

/** The value with the one at `path` changed by `change` (undefined removes it); the rest is shared. */
function changeAt (value: Wire, path: Path, change: (current: Wire) => Wire | undefined): Wire {
  const [head, ...rest] = path
  if (head === undefined) return change(value) ?? null
  if (Array.isArray(value) && typeof head === 'number') {
    const current = value[head]
    if (current === undefined) return value
    if (rest.length === 0) {
      const replaced = change(current)
      return replaced === undefined ? value.filter((_, index) => index !== head) : value.map((item, index) => index === head ? replaced : item)
    }
    return value.map((item, index) => index === head ? changeAt(item, rest, change) : item)
  }
  if (isPlainObject(value) && typeof head === 'string') {
    const current = value[head]
    if (current === undefined) return value
    const copy = { ...value }
    if (rest.length > 0) copy[head] = changeAt(current, rest, change)
    else {
      const replaced = change(current)
      if (replaced === undefined) delete copy[head]
      else copy[head] = replaced
    }
    return copy
  }
  return value
}

export type Mutation = 'replace' | 'remove' | 'add'

/** A valid value broken in one place: a part replaced by a hostile value, removed (a required key), or an unknown key added. */
export function mutatedValue (schema: JsonSchema, context: SchemaContext): fc.Arbitrary<Wire> {
  return fc.tuple(validValue(schema, context), fc.nat(), fc.constantFrom<Mutation>('replace', 'remove', 'add'), hostileValue, fc.constantFrom(...EXTRA_KEYS))
    .map(([value, pick, mutation, replacement, extraKey]) => {
      const all = positions(value)
      const path = all[pick % all.length] ?? []
      if (mutation === 'remove') return path.length === 0 ? replacement : changeAt(value, path, () => undefined)
      if (mutation === 'add') return changeAt(value, path, (current) => isPlainObject(current) ? { ...current, [extraKey]: replacement } : replacement)
      return changeAt(value, path, () => replacement)
    })
}
