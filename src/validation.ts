import { AjvCompiler, type BuildCompilerFromPool } from '@fastify/ajv-compiler'
import type { Options as AjvOptions } from 'ajv'
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js'

const shared: AjvOptions = {
  // Report every failing field at once; bodies are bounded by maxItems/maxLength and the body limit.
  allErrors: true,
  useDefaults: true,
  // Unknown properties are rejected by `additionalProperties: false`, never silently dropped.
  removeAdditional: false
}

type ExternalSchemas = Parameters<BuildCompilerFromPool>[0]
type RouteValidatorCompiler = (route: FastifyRouteSchemaDef<unknown>) => FastifyValidationResult

/**
 * Two Ajv instances: query strings, params and headers arrive as text and need coercion
 * (`?page=2` is the number 2); bodies are JSON and keep exactly what the client sent, so
 * `null` stays null and `"5"` is not a number.
 */
export function buildValidatorFactory (): BuildCompilerFromPool {
  const bodyPool = AjvCompiler()
  const textPool = AjvCompiler()
  const factory = (externalSchemas: ExternalSchemas, options?: { customOptions?: AjvOptions }): RouteValidatorCompiler => {
    // @fastify/ajv-compiler types its compiler as taking a bare schema; at runtime it is called
    // with the route definition, as Fastify's own default compiler is.
    const body = bodyPool(externalSchemas, { ...options, customOptions: { ...options?.customOptions, ...shared, coerceTypes: false } }) as unknown as RouteValidatorCompiler
    const text = textPool(externalSchemas, { ...options, customOptions: { ...options?.customOptions, ...shared, coerceTypes: 'array' } }) as unknown as RouteValidatorCompiler
    return (route) => route.httpPart === 'body' ? body(route) : text(route)
  }
  return factory as unknown as BuildCompilerFromPool
}
