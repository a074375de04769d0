import type { Static, TSchema } from 'typebox'
import { errors } from '../errors/index.js'
import { fieldErrors, type SchemaIssue } from '../errors/schema-issues.js'
import { sharedSchemas } from '../schemas/index.js'
import { buildValidatorFactory } from '../validation.js'

/** Which REST part an input stands for: the reason of INVALID_INPUT, as REST gives it. */
export type InputPart = 'body' | 'querystring' | 'params' | 'headers'

type Check = ((value: unknown) => boolean) & { errors?: SchemaIssue[] | null }

// The shared schemas are those Fastify resolves `$ref`s against (plugins/openapi.ts adds them).
const compile = buildValidatorFactory()(Object.fromEntries(sharedSchemas.map((schema) => [(schema as { $id?: string }).$id, schema])), {}) as unknown as (route: { schema: TSchema, method: string, url: string, httpPart: string }) => Check

/**
 * Validates GraphQL arguments with the very TypeBox schema and validator the REST route uses for
 * the same input (body rules for bodies: no coercion; defaults such as page_size applied), so a
 * bad value gets the same INVALID_INPUT code and field details on both.
 */
export function inputOf<T extends TSchema> (schema: T, part: InputPart): (value: unknown) => Static<T> {
  // Query strings arrive as text over REST; here they are typed already, so both use body rules.
  const check = compile({ schema, method: 'POST', url: '/graphql', httpPart: 'body' })
  return (value) => {
    // graphql-js builds arguments without a prototype; the copy is a plain object Ajv can fill with defaults.
    const input: unknown = value === null || typeof value !== 'object' ? value : { ...value }
    if (check(input)) return input as Static<T>
    throw errors.INVALID_INPUT({ reason: part, details: fieldErrors(check.errors ?? []) })
  }
}
