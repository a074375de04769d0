import fp from 'fastify-plugin'
import swagger, { type SwaggerTransform } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { sharedSchemas } from '#src/schemas/index.js'
import { BEARER_SCHEME } from './auth.js'

export const apiInfo = {
  title: 'Retail Ops API',
  version: '1.0.0',
  description: 'Multi-tenant retail and operations API. Every response is `{ data, error }`; see the ErrorResponse schema for failures.'
}

interface QuerySchema { required?: string[], properties?: Record<string, { default?: unknown }> }

/**
 * Ajv fills in a query parameter's default when it is absent, but @fastify/swagger lists every
 * property in the schema's `required` as a required parameter, so a generated client would demand
 * `page` and `page_size`.
 */
function optionalDefaults (query: QuerySchema | undefined): QuerySchema | undefined {
  if (query?.required === undefined || query.properties === undefined) return query
  const properties = query.properties
  return { ...query, required: query.required.filter((name) => properties[name]?.default === undefined) }
}

/**
 * The document's view of a route: query parameters with defaults are optional, and an operation
 * no guard has marked (see requireAuthentication in plugins/auth.ts) is public, said explicitly
 * with `security: []`.
 */
export const documentRoute: SwaggerTransform = ({ schema, url }) => {
  // Routes without a schema (test probes, static files) pass through untouched.
  if (schema === undefined || schema === null) return { schema, url }
  const querystring = optionalDefaults(schema.querystring as QuerySchema | undefined)
  return { schema: { ...schema, ...(querystring !== undefined && { querystring }), security: schema.security ?? [] }, url }
}

/**
 * Registers the shared schemas and generates the OpenAPI document from route schemas. Shared
 * schemas keep their `$id` as the component name, so generated clients get real type names.
 */
export default fp(async (app) => {
  for (const schema of sharedSchemas) app.addSchema(schema)

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: apiInfo,
      servers: [{ url: '/' }],
      components: { securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'system', description: 'Health, readiness and the API description' }
      ]
    },
    transform: documentRoute,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, staticCSP: true })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi', dependencies: ['errors'] })
