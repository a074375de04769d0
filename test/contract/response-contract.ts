import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ValidateFunction } from 'ajv'
import { headerObject, jsonSchemaOf, type JsonSchema, type OpenApiDocument, type Operation, type ResponseObject } from './openapi-document.js'

/** What the contract check needs of a response (LightMyRequest's response has it all). */
export interface ObservedResponse {
  statusCode: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
}

export interface ContractOptions {
  /** A 5xx the operation documents is no problem (tests of outages); the fuzz counts every 5xx as one. */
  documentedServerErrors?: boolean
}

const DOCUMENT_ID = 'openapi.json'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** RFC 3339 date-time (what JSON Schema's `date-time` format means), checked to be a real instant. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/

/** Rewrites the document's `#/components/...` references so they resolve against the document's schema id. */
function absoluteRefs (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([key, child]) =>
    [key, key === '$ref' && typeof child === 'string' && child.startsWith('#/') ? `${DOCUMENT_ID}${child}` : absoluteRefs(child)]))
}

/**
 * Checks responses against the operations of an OpenAPI 3.1 document: the status is one the
 * operation lists, the body validates against that status's schema (JSON Schema 2020-12), an
 * error's code is one of those the response lists (its examples are named by code), bodiless
 * statuses have no body (and a 304 no Content-Type), the headers the document marks required are
 * there, and every response carries X-Request-ID.
 */
export class ResponseContract {
  readonly #ajv: Ajv2020
  readonly #document: OpenApiDocument
  readonly #validators = new Map<string, ValidateFunction>()

  constructor (document: OpenApiDocument) {
    this.#document = document
    this.#ajv = new Ajv2020({ strict: true, allErrors: true })
    // Annotations of the document that are not validation keywords.
    this.#ajv.addVocabulary(['example', 'components'])
    this.#ajv.addFormat('uuid', UUID)
    this.#ajv.addFormat('date-time', { type: 'string', validate: (text: string) => DATE_TIME.test(text) && !Number.isNaN(Date.parse(text)) })
    // Request schemas only; responses carry plain strings.
    this.#ajv.addFormat('iso4217', /^[A-Z]{3}$/)
    this.#ajv.addFormat('int32', { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 })
    this.#ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) })
    this.#ajv.addSchema({ $id: DOCUMENT_ID, components: document.components ?? {} })
  }

  /** The documented response for a status: the exact code, else its range (`4XX`), else `default`. */
  static documented (operation: Operation, status: number): ResponseObject | undefined {
    const { responses } = operation.definition
    return responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses.default
  }

  /** Every way the response breaks the operation's contract; empty when it keeps it. */
  problems (operation: Operation, response: ObservedResponse, options: ContractOptions = {}): string[] {
    const problems: string[] = []
    const status = response.statusCode
    const documented = ResponseContract.documented(operation, status)
    if (status >= 500 && (options.documentedServerErrors !== true || documented === undefined)) problems.push(`answered ${status}: a server error`)
    const requestId = response.headers['x-request-id']
    if (typeof requestId !== 'string' || requestId === '') problems.push('has no X-Request-ID header')

    if (documented === undefined) {
      problems.push(`answered ${status}, which the document does not list for this operation (it lists ${Object.keys(operation.definition.responses).join(', ')})`)
      return problems
    }
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (headerObject(this.#document, header).required === true && response.headers[name.toLowerCase()] === undefined) problems.push(`has no ${name} header, which the document marks required for ${status}`)
    }
    const schema = jsonSchemaOf(documented.content)
    if (schema === undefined) {
      if (response.body !== '') problems.push(`answered ${status} with a body, which the document does not describe`)
      if (status === 304 && (response.headers['content-type'] !== undefined || response.headers['content-length'] !== undefined)) problems.push('answered 304 with Content-Type or Content-Length, describing a body it has not')
      return problems
    }
    const contentType = String(response.headers['content-type'] ?? '')
    if (!/^application\/json\b/i.test(contentType)) problems.push(`content-type is "${contentType}", not application/json`)
    let body: unknown
    try {
      body = JSON.parse(response.body)
    } catch {
      problems.push('the body is not JSON')
      return problems
    }
    for (const error of this.mismatches(schema, body, `${operation.id} ${status}`)) problems.push(`body${error}`)
    // The envelope promises the request id in errors; it must be the header's.
    const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined
    if (typeof error === 'object' && error !== null && 'request_id' in error && error.request_id !== requestId) {
      problems.push(`error.request_id ${JSON.stringify(error.request_id)} is not the X-Request-ID header ${JSON.stringify(requestId)}`)
    }
    const codes = Object.keys(documented.content?.['application/json']?.examples ?? {})
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
    if (typeof code === 'string' && codes.length > 0 && !codes.includes(code)) problems.push(`error code ${code} is not one the document lists for ${status} (${codes.join(', ')})`)
    return problems
  }

  /** How the value breaks the schema (a JSON schema of the document, its $refs included): one line per error, empty when it matches. */
  mismatches (schema: JsonSchema, value: unknown, cacheKey = JSON.stringify(schema)): string[] {
    const validate = this.#validator(cacheKey, schema)
    if (validate(value)) return []
    return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? 'is invalid'} (${error.schemaPath} ${JSON.stringify(error.params)})`)
  }

  #validator (key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.#validators.get(key)
    if (validate === undefined) {
      validate = this.#ajv.compile(absoluteRefs(schema) as object)
      this.#validators.set(key, validate)
    }
    return validate
  }
}
