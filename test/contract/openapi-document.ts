/**
 * The part of an OpenAPI 3.1 document the contract fuzz reads: operations, their parameters,
 * request bodies and responses, and the JSON-schema (2020-12) subset the document uses.
 */

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null'

export interface JsonSchema {
  $ref?: string
  type?: SchemaType
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  minProperties?: number
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  default?: unknown
  examples?: unknown[]
}

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie'

export interface Parameter {
  name: string
  in: ParameterLocation
  required?: boolean
  schema: JsonSchema
}

export interface MediaType {
  schema?: JsonSchema
  /** Named examples; those of an error response are named by the code they show. */
  examples?: Record<string, unknown>
}

export interface HeaderObject {
  $ref?: string
  required?: boolean
  schema?: JsonSchema
}

export interface ResponseObject {
  description?: string
  headers?: Record<string, HeaderObject>
  content?: Record<string, MediaType>
}

export interface OperationObject {
  operationId?: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean, content?: Record<string, MediaType> }
  responses: Record<string, ResponseObject>
  security?: Array<Record<string, string[]>>
}

export interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, OperationObject>>
  components?: { schemas?: Record<string, JsonSchema>, headers?: Record<string, HeaderObject> }
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const
export type HttpMethod = typeof httpMethods[number]

export interface Operation {
  /** The operationId, or `METHOD path` when there is none. */
  id: string
  method: HttpMethod
  /** The path template, e.g. /api/v1/tenants/{tenant_id}/products. */
  path: string
  definition: OperationObject
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The document as the fuzz reads it, after checking its outline: an OpenAPI 3.1 document with
 * paths whose operations all have responses. A JSON copy, so the test cannot change the app's.
 */
export function asOpenApiDocument (value: unknown): OpenApiDocument {
  const copy: unknown = JSON.parse(JSON.stringify(value))
  if (!isRecord(copy) || typeof copy.openapi !== 'string' || !isRecord(copy.paths)) throw new Error('not an OpenAPI document')
  // 3.0 would mean `nullable` instead of JSON Schema's null type: not handled here.
  if (!copy.openapi.startsWith('3.1.')) throw new Error(`the fuzz reads OpenAPI 3.1 documents, this one is ${copy.openapi}`)
  for (const [path, item] of Object.entries(copy.paths)) {
    if (!isRecord(item)) throw new Error(`${path} is not a path item`)
    for (const method of httpMethods) {
      const operation = item[method]
      if (operation !== undefined && (!isRecord(operation) || !isRecord(operation.responses))) throw new Error(`${method.toUpperCase()} ${path} has no responses`)
    }
  }
  return copy as unknown as OpenApiDocument
}

/** Every operation of the document, in document order. */
export function operationsOf (document: OpenApiDocument): Operation[] {
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of httpMethods) {
      const definition = item[method]
      if (definition === undefined) continue
      operations.push({ id: definition.operationId ?? `${method.toUpperCase()} ${path}`, method, path, definition })
    }
  }
  return operations
}

const COMPONENT_REF = /^#\/components\/schemas\/([^/]+)$/

/** Follows `$ref`s into components.schemas until a schema without one. */
export function dereference (document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema
  for (let depth = 0; current.$ref !== undefined; depth++) {
    const name = COMPONENT_REF.exec(current.$ref)?.[1]
    const target = name === undefined ? undefined : document.components?.schemas?.[name]
    if (target === undefined || depth > 20) throw new Error(`cannot resolve $ref ${current.$ref}`)
    current = target
  }
  return current
}

const HEADER_REF = /^#\/components\/headers\/([^/]+)$/

/** A response header as declared: a `$ref` into components.headers followed. */
export function headerObject (document: OpenApiDocument, header: HeaderObject): HeaderObject {
  const name = header.$ref === undefined ? undefined : HEADER_REF.exec(header.$ref)?.[1]
  return name === undefined ? header : document.components?.headers?.[name] ?? header
}

/** The JSON schema of a request body or response, if it has one. */
export function jsonSchemaOf (content: Record<string, MediaType> | undefined): JsonSchema | undefined {
  return content?.['application/json']?.schema
}
