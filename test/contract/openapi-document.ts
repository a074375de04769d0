/**
 * The part of an OpenAPI 3.0 document the contract fuzz reads: operations, their parameters,
 * request bodies and responses, and the JSON-schema subset the document uses.
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
  /** OpenAPI 3.0: the value may also be null. */
  nullable?: boolean
  default?: unknown
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
}

export interface ResponseObject {
  description?: string
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
  components?: { schemas?: Record<string, JsonSchema> }
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
 * The document as the fuzz reads it, after checking its outline: an OpenAPI 3.0 document with
 * paths whose operations all have responses. A JSON copy, so the test cannot change the app's.
 */
export function asOpenApiDocument (value: unknown): OpenApiDocument {
  const copy: unknown = JSON.parse(JSON.stringify(value))
  if (!isRecord(copy) || typeof copy.openapi !== 'string' || !isRecord(copy.paths)) throw new Error('not an OpenAPI document')
  // 3.1 would mean JSON Schema 2020-12 (type: [..., "null"]) instead of `nullable`: not handled here.
  if (!copy.openapi.startsWith('3.0.')) throw new Error(`the fuzz reads OpenAPI 3.0 documents, this one is ${copy.openapi}`)
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
    // OpenAPI 3.0 ignores siblings of $ref, except that @fastify/swagger may put `nullable` there.
    current = current.nullable === true ? { ...target, nullable: true } : target
  }
  return current
}

/** The JSON schema of a request body or response, if it has one. */
export function jsonSchemaOf (content: Record<string, MediaType> | undefined): JsonSchema | undefined {
  return content?.['application/json']?.schema
}
