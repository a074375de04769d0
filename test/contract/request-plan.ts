/**
 * A request to one operation, as fast-check generates it (a plan, with live placeholders), and as
 * it is sent (a URL, headers and a body, after the placeholders are resolved).
 */
import fc from 'fast-check'
import { jsonSchemaOf, type Operation, type Parameter } from './openapi-document.js'
import { hostileTexts, Live, mutatedValue, overLongText, Raw, validValue, type LiveName, type SchemaContext, type Wire } from './schema-arbitrary.js'

/** How a JSON text is spoiled before it is sent: a number written as `1e309`, or an entry (`"__proto__": ...`) put first. */
export type TextEdit = { kind: 'as-is' } | { kind: 'number', token: string } | { kind: 'insert', entry: string }

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json', value: Wire, contentType: string, edit: TextEdit }
  | { kind: 'raw', text: string, contentType: string }

export interface RequestPlan {
  path: Record<string, Wire>
  query: Array<[string, Wire]>
  headers: Record<string, Wire>
  body: BodyPlan
  /** Sent twice, as a client retries: the second answer (a replay, a 404 after a delete...) keeps the contract too. */
  repeat: boolean
}

/** A request ready for `app.inject`. */
export interface ConcreteRequest {
  url: string
  headers: Record<string, string>
  payload?: string
}

/** Percent-encoded URL text the server must refuse cleanly: encoded NUL, an encoded lone surrogate, malformed escapes. */
export const rawUrlTexts = ['%00', '%ED%A0%80', '%E0%A4%A', '%FF%FE', '%2F', '%25', '%C0%AE', '%']

const urlHostile: fc.Arbitrary<Wire> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileTexts.filter((text) => text.trim() !== '' && !/^\.+$/.test(text))) },
  { weight: 1, arbitrary: overLongText },
  { weight: 2, arbitrary: fc.constantFrom(...rawUrlTexts.map((text) => new Raw(text))) },
  { weight: 1, arbitrary: fc.constantFrom<LiveName>('tenant', 'product', 'order').map((name) => new Live(name, 'urn')) }
)

/** Header values: visible ASCII and Latin-1 only, as HTTP carries them (inject refuses control characters). */
const headerHostile = fc.constantFrom('', ' ', '*', '"bogus"', 'W/"1"', '"1", "2"', 'x'.repeat(300), 'é', 'not a token', '%00')

const contentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/json; charset=utf-8']
const brokenJson = ['', ' ', '{', '{"a":', '[1,]', 'nul', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'NaN', '\uFEFF{}', '{"a":"\\x41"}', '"\\ud800"', '[]', '"text"', '42', 'null', `${'['.repeat(3000)}${']'.repeat(3000)}`]
const numberTokens = ['1e309', '-1e309', '1.0', '1E2', '-0', '12345678901234567890', '0x10', '.5', '1.7976931348623157e309']
const insertedEntries = ['"__proto__":{"polluted":true}', '"constructor":{"prototype":{"polluted":true}}', '"name":"duplicate"', '"unexpected":1']

function optional<T> (value: fc.Arbitrary<T>, absent: number, present: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: present, arbitrary: value })
}

/** One part of a request (a parameter, the body): what a valid request puts there, and what a faulty one does. */
interface Slot<T> {
  valid: fc.Arbitrary<T>
  faulty: fc.Arbitrary<T>
}

type QueryPairs = Array<[string, Wire]>

function pathSlot (parameter: Parameter, context: SchemaContext): Slot<Wire> {
  return {
    // A well-formed id is valid even when nothing has it (404) or another tenant does (403).
    valid: fc.oneof(
      { weight: 10, arbitrary: context.hints(parameter.name, 'path') ?? validValue(parameter.schema, context, parameter.name) },
      { weight: 1, arbitrary: fc.uuid({ version: [4, 7] }) }
    ),
    faulty: urlHostile
  }
}

function querySlot (parameter: Parameter, context: SchemaContext): Slot<QueryPairs> {
  const value = validValue(parameter.schema, context, parameter.name)
  return {
    // Mostly absent: a list filtered by several random values is empty, and its items go unchecked.
    valid: optional(value, 3, 1).map((one): QueryPairs => one === undefined ? [] : [[parameter.name, one]]),
    faulty: fc.oneof(
      { weight: 3, arbitrary: urlHostile.map((one): QueryPairs => [[parameter.name, one]]) },
      // Sent twice: ?page=1&page=2 parses to an array.
      { weight: 1, arbitrary: fc.tuple(value, value).map(([one, two]): QueryPairs => [[parameter.name, one], [parameter.name, two]]) }
    )
  }
}

const extraQuerySlot: Slot<QueryPairs> = {
  valid: fc.constant([]),
  faulty: fc.constantFrom<QueryPairs>([['unknown', '1']], [['__proto__', 'x']], [['constructor', 'x']], [['a[b]', '1']], [['', '']])
}

/** Headers no operation documents but every one meets: a client's own X-Request-ID (echoed only when well-formed), Accept. */
const extraHeaderSlot: Slot<Record<string, Wire>> = {
  valid: fc.constant({}),
  faulty: fc.constantFrom<Record<string, Wire>>(
    { 'x-request-id': '' }, { 'x-request-id': 'short' }, { 'x-request-id': 'has spaces in it' }, { 'x-request-id': 'x'.repeat(300) },
    { 'x-request-id': 'fuzz-client-request-id' }, { accept: 'text/html' }, { accept: 'application/xml' }
  )
}

function headerSlot (parameter: Parameter, context: SchemaContext): Slot<Wire | undefined> {
  return { valid: optional(validValue(parameter.schema, context, parameter.name), 3, 4), faulty: headerHostile }
}

function bodySlot (definition: Operation['definition'], context: SchemaContext, bodyLimit: number): Slot<BodyPlan> {
  const schema = jsonSchemaOf(definition.requestBody?.content)
  if (schema === undefined) return { valid: fc.constant({ kind: 'none' }), faulty: fc.constant({ kind: 'none' }) }
  const valid = validValue(schema, context)
  const json = (value: Wire, edit: TextEdit = { kind: 'as-is' }, contentType = 'application/json'): BodyPlan => ({ kind: 'json', value, contentType, edit })
  return {
    valid: valid.map((value) => json(value)),
    faulty: fc.oneof(
      { weight: 8, arbitrary: mutatedValue(schema, context).map((value) => json(value)) },
      { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...numberTokens)).map(([value, token]) => json(value, { kind: 'number', token })) },
      { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...insertedEntries)).map(([value, entry]) => json(value, { kind: 'insert', entry })) },
      { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...contentTypes)).map(([value, contentType]) => json(value, { kind: 'as-is' }, contentType)) },
      { weight: 2, arbitrary: fc.constantFrom(...brokenJson).map((text): BodyPlan => ({ kind: 'raw', text, contentType: 'application/json' })) },
      { weight: 1, arbitrary: fc.constant<BodyPlan>({ kind: 'raw', text: JSON.stringify({ name: 'x'.repeat(bodyLimit) }), contentType: 'application/json' }) },
      { weight: 1, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) }
    )
  }
}

/**
 * Requests for one operation, from its parameters and request body: three in five are valid
 * (real values from `context.hints` mostly), the others are valid but in one place, a parameter
 * or the body, which gets a hostile value; one fault at a time, so each is seen on its own.
 */
export function requestPlans (operation: Operation, context: Omit<SchemaContext, 'place'>, options: { bodyLimit: number }): fc.Arbitrary<RequestPlan> {
  const parameters = operation.definition.parameters ?? []
  const path = new Map<string, Slot<Wire>>()
  const query = new Map<string, Slot<QueryPairs>>()
  const headers = new Map<string, Slot<Wire | undefined>>()
  for (const parameter of parameters) {
    if (parameter.in === 'path') path.set(parameter.name, pathSlot(parameter, { ...context, place: 'path' }))
    else if (parameter.in === 'query') query.set(parameter.name, querySlot(parameter, { ...context, place: 'query' }))
    else if (parameter.in === 'header') headers.set(parameter.name, headerSlot(parameter, { ...context, place: 'header' }))
  }
  query.set('(unknown parameter)', extraQuerySlot)
  const body = bodySlot(operation.definition, { ...context, place: 'body' }, options.bodyLimit)
  const faults = [
    ...[...path.keys()].map((name) => `path ${name}`),
    ...[...query.keys()].map((name) => `query ${name}`),
    ...[...headers.keys()].map((name) => `header ${name}`),
    'header (undocumented)',
    ...(jsonSchemaOf(operation.definition.requestBody?.content) === undefined ? [] : ['body'])
  ]

  const plan = (fault: string | undefined): fc.Arbitrary<RequestPlan> => {
    const pick = <T>(where: string, slot: Slot<T>): fc.Arbitrary<T> => where === fault ? slot.faulty : slot.valid
    const each = <T>(kind: string, slots: Map<string, Slot<T>>): Record<string, fc.Arbitrary<T>> =>
      Object.fromEntries([...slots].map(([name, slot]) => [name, pick(`${kind} ${name}`, slot)]))
    return fc.record({
      path: fc.record(each('path', path), { noNullPrototype: true }),
      query: fc.record(each('query', query), { noNullPrototype: true }).map((values) => Object.values(values).flat()),
      headers: fc.tuple(fc.record(each('header', headers), { noNullPrototype: true }), pick('header (undocumented)', extraHeaderSlot)).map(([values, extra]) => {
        const present: Record<string, Wire> = { ...extra }
        for (const [name, value] of Object.entries(values)) if (value !== undefined) present[name] = value
        return present
      }),
      body: pick('body', body),
      repeat: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
    }, { noNullPrototype: true })
  }
  return fc.oneof({ weight: 3, arbitrary: plan(undefined) }, { weight: 2, arbitrary: fc.constantFrom(...faults).chain(plan) })
}

/** The live values a plan refers to, resolved by the test. */
export type Lookup = (live: Live) => string

/** The plan's value with every placeholder replaced. */
export function resolveWire (value: Wire, lookup: Lookup): Exclude<Wire, Live> {
  if (value instanceof Live) return lookup(value)
  if (Array.isArray(value)) return value.map((item) => resolveWire(item, lookup))
  if (value instanceof Raw || value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveWire(item, lookup)]))
}

/**
 * Percent-encodes text for a URL. An unpaired surrogate, which encodeURIComponent refuses, is
 * written as the three bytes it would be in UTF-8 (WTF-8): what a careless client sends.
 */
export function encodeText (text: string): string {
  let encoded = ''
  for (const character of text) {
    try {
      encoded += encodeURIComponent(character)
    } catch {
      const unit = character.charCodeAt(0)
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('')
    }
  }
  return encoded
}

function urlText (value: Wire, lookup: Lookup): string {
  const resolved = resolveWire(value, lookup)
  if (resolved instanceof Raw) return resolved.text
  if (typeof resolved === 'string') return encodeText(resolved)
  if (resolved === null) return ''
  if (typeof resolved === 'object') return encodeText(JSON.stringify(resolved))
  return encodeText(String(resolved))
}

export function buildUrl (template: string, plan: RequestPlan, lookup: Lookup): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = plan.path[name]
    return value === undefined ? '' : urlText(value, lookup)
  })
  const query = plan.query.map(([name, value]) => `${encodeText(name)}=${urlText(value, lookup)}`).join('&')
  return query === '' ? path : `${path}?${query}`
}

function headerText (value: Wire, lookup: Lookup): string {
  const resolved = resolveWire(value, lookup)
  if (resolved instanceof Raw) return resolved.text
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved)
}

function editJson (text: string, edit: TextEdit): string {
  switch (edit.kind) {
    case 'as-is': return text
    // The first number that is a whole property value: {"price_cents":250} becomes {"price_cents":1e309}.
    case 'number': return text.replace(/:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[,}\]])/, `:${edit.token}`)
    case 'insert': return text.startsWith('{') ? `{${edit.entry}${text === '{}' ? '' : ','}${text.slice(1)}` : text
  }
}

/** The request as it is sent: URL, headers (the plan's, then the given ones) and the body text. */
export function concreteRequest (template: string, plan: RequestPlan, lookup: Lookup, baseHeaders: Record<string, string>): ConcreteRequest {
  const headers: Record<string, string> = { ...baseHeaders }
  for (const [name, value] of Object.entries(plan.headers)) headers[name] = headerText(value, lookup)
  const request: ConcreteRequest = { url: buildUrl(template, plan, lookup), headers }
  const { body } = plan
  if (body.kind === 'json') {
    request.payload = editJson(JSON.stringify(resolveWire(body.value, lookup)), body.edit)
    headers['content-type'] = body.contentType
  } else if (body.kind === 'raw') {
    request.payload = body.text
    headers['content-type'] = body.contentType
  }
  return request
}
