import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>

/** Keywords that document a schema without changing how a value is written (`headers`: response headers for the document). */
const documentationOnly = new Set(['description', 'examples', 'title', 'headers', 'x-examples'])
/** Keywords whose value maps names to schemas: its keys are names (a property may be called `description`), not keywords. */
const schemaMaps = new Set(['properties', 'patternProperties', '$defs', 'definitions'])

/** The schema without its documentation keywords: schemas that write values alike compare equal. */
function writingPart (node: unknown, keysAreNames = false): unknown {
  if (Array.isArray(node)) return node.map((item) => writingPart(item))
  if (node === null || typeof node !== 'object') return node
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (!keysAreNames && documentationOnly.has(key)) continue
    kept[key] = keysAreNames ? writingPart(value) : writingPart(value, schemaMaps.has(key))
  }
  return kept
}

/**
 * Fastify compiles a serializer for every route and status code. Most of them are the same few
 * schemas (every error status of every route is `$ref: ErrorResponse`), and each compiled
 * serializer is generated code that stays in memory, so identical schemas share one serializer
 * here: about 400 serializers become about 60, with the same output.
 */
export function buildSerializerFactory (): SerializerFactory {
  const selector = SerializerSelector()
  // Fastify asks for a compiler per encapsulation context; the shared schemas are the same in
  // all of ours, so the cache spans them (keyed also by which shared schemas the context has).
  const compiled = new Map<string, (data: unknown) => string>()
  return (externalSchemas, options) => {
    const compile = selector(externalSchemas, options)
    const context = Object.keys(externalSchemas ?? {}).sort().join(',')
    return (route) => {
      const key = `${context}|${JSON.stringify(writingPart(route.schema))}`
      let serializer = compiled.get(key)
      if (serializer === undefined) {
        serializer = compile(route)
        compiled.set(key, serializer)
      }
      return serializer
    }
  }
}
