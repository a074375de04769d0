import fp from 'fastify-plugin'
import swagger, { type SwaggerTransform } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { RouteOptions } from 'fastify'
import { sharedSchemas } from '#src/schemas/index.js'
import { commonHeaders } from '#src/schemas/response-headers.js'
import { BEARER_SCHEME } from './auth.js'

export const apiInfo = {
  title: 'Retail Ops API',
  version: '1.0.0',
  description: 'Multi-tenant retail and operations API. Every response is `{ data, error }`; see the ErrorResponse schema for failures, ' +
    'and each operation\'s error responses for the codes it can answer. Error messages are in English, or in Arabic with ' +
    '`Accept-Language: ar` (Content-Language says which); codes never change.',
  contact: { name: 'Retail Ops API maintainers', url: 'https://github.com/retail-ops/retail-ops-api/issues' },
  license: { name: 'UNLICENSED', identifier: 'UNLICENSED' }
}

const tags = [
  { name: 'system', description: 'Health, readiness and the API description' },
  { name: 'auth', description: 'Accounts, sign-in, token refresh and sign-out' },
  { name: 'me', description: 'The signed-in user' },
  { name: 'tenants', description: 'The tenant itself' },
  { name: 'members', description: 'Who belongs to the tenant, and with which role' },
  { name: 'locations', description: 'Shops, warehouses and other places orders are placed at' },
  { name: 'products', description: 'The product catalogue, with prices and stock' },
  { name: 'orders', description: 'Orders placed at locations: lines, stock, payment and voids' },
  { name: 'tasks', description: 'Work for the staff' },
  { name: 'events', description: 'Live events: Server-Sent Events and WebSocket streams' },
  { name: 'webhooks', description: 'Signed event deliveries to the tenant\'s endpoints' }
]

/** What a success response says when its schema does not. */
const successDescriptions: Record<string, string> = {
  200: 'The result, in `data`.',
  201: 'Created: `data` is the new resource.',
  202: 'Accepted: it happens shortly.',
  204: 'Done; no body.',
  304: 'Not modified: the ETag in If-None-Match is current.'
}

type ResponseSchema = Record<string, unknown> & { description?: string, headers?: Record<string, unknown> }

interface QuerySchema { required?: string[], properties?: Record<string, { default?: unknown, examples?: unknown }> }

/**
 * The query parameters as the document shows them. Ajv fills in a parameter's default when it is
 * absent, but @fastify/swagger lists every property in `required` as a required parameter, so a
 * generated client would demand `page` and `page_size`: those are optional here. And an optional
 * filter has no example, because the docs page's "Try it out" fills examples in (a product list
 * filtered by an example category answers `data: []`).
 */
function documentQuery (query: QuerySchema | undefined): QuerySchema | undefined {
  if (query?.properties === undefined) return query
  const required = (query.required ?? []).filter((name) => query.properties?.[name]?.default === undefined)
  const properties = Object.fromEntries(Object.entries(query.properties).map(([name, property]) => {
    if (required.includes(name) || property.examples === undefined) return [name, property]
    const { examples: _examples, ...rest } = property
    return [name, rest]
  }))
  return { ...query, properties, ...(query.required !== undefined && { required }) }
}

/**
 * A response schema with `x-examples` (the error responses, src/schemas/error-responses.ts) as a
 * media type object, so the examples land beside the schema, where the document wants them.
 */
function withExamples (response: ResponseSchema): ResponseSchema {
  const { 'x-examples': examples, description, headers, ...schema } = response
  if (examples === undefined) return response
  return { description, headers, content: { 'application/json': { schema, examples } } }
}

/**
 * Every response declares X-Request-ID; those of rate-limited routes (all but the operational
 * ones) the X-RateLimit-* headers; 429 and 503 Retry-After; deprecated routes' Deprecation, Sunset
 * and Link (plugins/deprecation.ts). Success responses get a description.
 */
function documentResponses (responses: Record<string, ResponseSchema>, route: Pick<RouteOptions, 'config'>): Record<string, ResponseSchema> {
  const config = route.config as { operational?: boolean, deprecation?: unknown } | undefined
  const limited = config?.operational !== true
  const deprecated = config?.deprecation !== undefined
  const documented: Record<string, ResponseSchema> = {}
  for (const [status, response] of Object.entries(responses)) {
    documented[status] = {
      ...withExamples(response),
      description: response.description ?? successDescriptions[status] ?? 'See the body.',
      headers: {
        ...commonHeaders.requestId,
        ...(limited && commonHeaders.rateLimit),
        ...((status === '429' || status === '503') && commonHeaders.retryAfter),
        ...(Number(status) >= 400 && commonHeaders.contentLanguage),
        ...(deprecated && commonHeaders.deprecation),
        ...response.headers
      }
    }
  }
  return documented
}

/**
 * The document's view of a route: query parameters with defaults are optional, an operation no
 * guard has marked (see requireAuthentication in plugins/auth.ts) is public, said explicitly with
 * `security: []`, and responses declare their headers.
 */
export const documentRoute: SwaggerTransform = ({ schema, url, route }) => {
  // Routes without a schema (test probes, static files) pass through untouched.
  if (schema === undefined || schema === null) return { schema, url }
  const querystring = documentQuery(schema.querystring as QuerySchema | undefined)
  const response = schema.response === undefined ? undefined : documentResponses(schema.response as Record<string, ResponseSchema>, route)
  return { schema: { ...schema, ...(querystring !== undefined && { querystring }), ...(response !== undefined && { response }), security: schema.security ?? [] }, url }
}

/** Headers every client can count on where they are declared. */
const requiredHeaders = new Set(['X-Request-ID', 'Retry-After', 'Location', 'ETag', 'Deprecation', 'Sunset', 'Link', 'Content-Language'])

interface HeaderObject { schema?: unknown, description?: string, required?: boolean, $ref?: string }
interface MediaObject { schema?: { anyOf?: Array<{ type?: unknown }> } & Record<string, unknown>, examples?: Record<string, unknown> }
interface OperationObject {
  requestBody?: { required?: boolean, content?: Record<string, MediaObject> }
  responses?: Record<string, { headers?: Record<string, HeaderObject>, content?: Record<string, MediaObject> }>
}
interface DocumentObject {
  servers?: Array<Record<string, unknown>>
  paths?: Record<string, Record<string, OperationObject>>
  components?: { headers?: Record<string, HeaderObject>, examples?: Record<string, unknown>, schemas?: Record<string, unknown> }
}

const INT32 = 2 ** 31

/**
 * OpenAPI's integer formats, from the bounds the schemas already have: int32 when both bounds fit
 * in 32 bits, else int64 (what a generated client must use to hold every value).
 */
function addIntegerFormats (node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) addIntegerFormats(item)
    return
  }
  if (node === null || typeof node !== 'object') return
  const schema = node as { type?: unknown, format?: unknown, minimum?: unknown, maximum?: unknown }
  if (schema.type === 'integer' && schema.format === undefined) {
    const fits = typeof schema.minimum === 'number' && schema.minimum >= -INT32 && typeof schema.maximum === 'number' && schema.maximum < INT32
    schema.format = fits ? 'int32' : 'int64'
  }
  for (const value of Object.values(node)) addIntegerFormats(value)
}

function * operationsOf (document: DocumentObject): Generator<OperationObject> {
  for (const methods of Object.values(document.paths ?? {})) yield * Object.values(methods)
}

/** Replaces each named part with a `$ref` to one shared copy, kept in `shared` (the first seen wins). */
function shareByName<T> (parts: Record<string, T> | undefined, shared: Record<string, T>, kind: 'headers' | 'examples', shape: (part: T, name: string) => T = (part) => part): void {
  for (const [name, part] of Object.entries(parts ?? {})) {
    shared[name] ??= shape(part, name)
    parts![name] = { $ref: `#/components/${kind}/${name}` } as T
  }
}

/**
 * What @fastify/swagger cannot say itself, done once the document is built: response headers and
 * the error examples (named by their code) become shared components, headers required where
 * always sent; a body whose schema accepts null is optional; integers get their formats.
 */
function finishDocument (document: DocumentObject): void {
  const headers: Record<string, HeaderObject> = {}
  const examples: Record<string, unknown> = {}
  for (const operation of operationsOf(document)) {
    for (const response of Object.values(operation.responses ?? {})) {
      shareByName(response.headers, headers, 'headers', (header, name) => ({ ...header, ...(requiredHeaders.has(name) && { required: true }) }))
      for (const media of Object.values(response.content ?? {})) shareByName(media.examples, examples, 'examples')
    }
    const body = operation.requestBody
    if (body?.content?.['application/json']?.schema?.anyOf?.some((member) => member.type === 'null') === true) body.required = false
  }
  document.components = { ...document.components, headers, examples }
  // The servers listed are this API's own public endpoints, not internal ones.
  for (const server of document.servers ?? []) server['x-internal'] = false
  addIntegerFormats(document.paths)
  addIntegerFormats(document.components)
}

/**
 * Swagger UI's own policy, with the one inline style it injects allowed by its hash (else every
 * load logged a violation) and without the validator badge's host. The browser test of the docs
 * page (test/docs/docs-page.test.ts) fails when an upgrade changes what the page needs.
 */
const SWAGGER_UI_INLINE_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"
function docsPageCsp (header: string): string {
  return header.replace("style-src 'self' https:", `style-src 'self' https: ${SWAGGER_UI_INLINE_STYLE}`).replace(' validator.swagger.io', '')
}

/**
 * Registers the shared schemas and generates the OpenAPI document from route schemas. Shared
 * schemas keep their `$id` as the component name, so generated clients get real type names.
 */
export default fp(async (app) => {
  for (const schema of sharedSchemas) app.addSchema(schema)
  const { PUBLIC_URL: publicUrl, PORT: port } = app.config

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: apiInfo,
      servers: [publicUrl === undefined
        ? { url: `http://localhost:${port}`, description: 'This server, run locally (set PUBLIC_URL to the address clients use)' }
        : { url: publicUrl }],
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'The access token from register, login or refresh: a JWT (HS256, with iss, aud, exp and sub checked, as RFC8725 recommends) that expires after ACCESS_TOKEN_TTL_SECONDS; refresh it with the refresh token.'
          }
        }
      },
      tags
    },
    transform: documentRoute,
    transformObject: (documentObject) => {
      const document = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject
      finishDocument(document as DocumentObject)
      return document
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No validator badge: it would send the document's URL to validator.swagger.io.
    uiConfig: { deepLinking: true, validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: docsPageCsp
  })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi', dependencies: ['errors'] })
