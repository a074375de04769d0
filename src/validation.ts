import { AjvCompiler, type BuildCompilerFromPool } from '@fastify/ajv-compiler'
import type { Ajv, Options as AjvOptions } from 'ajv'
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js'
import { isCurrencyCode } from './services/reference-data.js'

const shared: AjvOptions = {
  // Report every failing field at once; bodies are bounded by maxItems/maxLength and the body limit.
  allErrors: true,
  useDefaults: true,
  // Unknown properties are rejected by `additionalProperties: false`, never silently dropped.
  removeAdditional: false,
  // NaN and ±Infinity are not numbers a client can mean: `?page=1e309` coerces to Infinity.
  strictNumbers: true
}

type ExternalSchemas = Parameters<BuildCompilerFromPool>[0]
type RouteValidatorCompiler = (route: FastifyRouteSchemaDef<unknown>) => FastifyValidationResult

/** A UUID as PostgreSQL's uuid type reads it: Ajv's own format also takes `urn:uuid:...`. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const UNPAIRED_SURROGATE = /\p{Cs}/u

interface KeywordError { keyword: string, message: string, params: Record<string, unknown> }
/** An Ajv keyword's validate function: called with the keyword's value (true) and the data. */
type KeywordCheck = ((schema: unknown, data: unknown) => boolean) & { errors?: KeywordError[] }

/**
 * `safeText`: text PostgreSQL can store as it came: no NUL character, no unpaired surrogate (JSON
 * `"\ud800"`), no U+FFFD (what invalid UTF-8 in the body became while it was decoded). Without it
 * NUL answered 500 and the others were silently stored as U+FFFD.
 */
const safeText: KeywordCheck = (_schema, data) => {
  if (typeof data !== 'string') return true
  if (UNPAIRED_SURROGATE.test(data)) return fail(safeText, 'safeText', 'must be valid Unicode text (it has an unpaired surrogate)')
  if (data.includes('\u0000')) return fail(safeText, 'safeText', 'must not contain the NUL character')
  if (data.includes('\uFFFD')) return fail(safeText, 'safeText', 'must be valid UTF-8 text (it has a U+FFFD replacement character)')
  return true
}

/** `notBlank`: a required text has something in it besides spaces. */
const notBlank: KeywordCheck = (_schema, data) => typeof data !== 'string' || data.trim() !== '' || fail(notBlank, 'notBlank', 'must not be blank')

/**
 * `finite`: Ajv coerces `?page=1e309` (or `Infinity`) to Infinity and then lets it pass `type:
 * integer` and even `maximum` (measured with Ajv 8.20), which reached PostgreSQL as a 500.
 */
const finite: KeywordCheck = (_schema, data) => typeof data !== 'number' || Number.isFinite(data) || fail(finite, 'finite', 'must be a finite number')

function fail (check: KeywordCheck, keyword: string, message: string): false {
  check.errors = [{ keyword, message, params: {} }]
  return false
}

function addTextRules (ajv: Ajv): void {
  ajv.addFormat('uuid', UUID)
  ajv.addFormat('iso4217', isCurrencyCode)
  ajv.addKeyword({ keyword: 'safeText', type: 'string', schemaType: 'boolean', errors: true, validate: safeText })
  ajv.addKeyword({ keyword: 'notBlank', type: 'string', schemaType: 'boolean', errors: true, validate: notBlank })
  // Any type: Ajv runs number keywords only on finite numbers, which is the very case to catch.
  ajv.addKeyword({ keyword: 'finite', schemaType: 'boolean', errors: true, validate: finite })
}

type Schema = Record<string, unknown>

function hasType (schema: Schema, ...names: string[]): boolean {
  const type = schema.type
  return names.some((name) => type === name || (Array.isArray(type) && type.includes(name)))
}

/**
 * A copy of a schema with the text rules on every string (and `finite` on every number), wherever it is: body, query, params,
 * headers, and the shared schemas they reference. So no route can forget them, and the schemas
 * the OpenAPI document shows stay as written.
 */
function withTextRules (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withTextRules)
  if (schema === null || typeof schema !== 'object') return schema
  const copy: Schema = {}
  for (const [key, value] of Object.entries(schema)) {
    // `enum`, `const` and `examples` hold values, not schemas.
    copy[key] = key === 'enum' || key === 'const' || key === 'examples' || key === 'default' ? value : withTextRules(value)
  }
  if (hasType(copy, 'string')) {
    copy.safeText = true
    if (typeof copy.minLength === 'number' && copy.minLength >= 1) copy.notBlank = true
  }
  if (hasType(copy, 'number', 'integer')) copy.finite = true
  return copy
}

/**
 * Two Ajv instances: query strings, params and headers arrive as text and need coercion
 * (`?page=2` is the number 2); bodies are JSON and keep exactly what the client sent, so
 * `null` stays null and `"5"` is not a number. Both apply the text rules above.
 */
export function buildValidatorFactory (): BuildCompilerFromPool {
  const bodyPool = AjvCompiler()
  const textPool = AjvCompiler()
  const hardened = new WeakMap<object, ExternalSchemas>()
  const factory = (externalSchemas: ExternalSchemas, options?: { customOptions?: AjvOptions }): RouteValidatorCompiler => {
    let externals = hardened.get(externalSchemas)
    if (externals === undefined) {
      externals = withTextRules(externalSchemas) as ExternalSchemas
      hardened.set(externalSchemas, externals)
    }
    const compilerOptions = (coerceTypes: AjvOptions['coerceTypes']) => ({ ...options, customOptions: { ...options?.customOptions, ...shared, coerceTypes }, onCreate: addTextRules })
    // @fastify/ajv-compiler types its compiler as taking a bare schema; at runtime it is called
    // with the route definition, as Fastify's own default compiler is.
    const body = bodyPool(externals, compilerOptions(false)) as unknown as RouteValidatorCompiler
    const text = textPool(externals, compilerOptions('array')) as unknown as RouteValidatorCompiler
    return (route) => {
      const rules = { ...route, schema: withTextRules(route.schema) as typeof route.schema }
      return route.httpPart === 'body' ? body(rules) : text(rules)
    }
  }
  return factory as unknown as BuildCompilerFromPool
}
