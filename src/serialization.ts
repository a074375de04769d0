import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>

/** Parts of a schema that document it without changing how a value is written. */
const documentationOnly = new Set(['description', 'examples', 'title'])

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
      const key = `${context}|${JSON.stringify(route.schema, (name, value: unknown) => documentationOnly.has(name) ? undefined : value)}`
      let serializer = compiled.get(key)
      if (serializer === undefined) {
        serializer = compile(route)
        compiled.set(key, serializer)
      }
      return serializer
    }
  }
}
