import fp from 'fastify-plugin'
import swagger, { type SwaggerTransform } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { sharedSchemas } from '#src/schemas/index.js'

export const apiInfo = {
  title: 'Retail Ops API',
  version: '1.0.0',
  description: 'Multi-tenant retail and operations API. Every response is `{ data, error }`; see the ErrorResponse schema for failures.'
}

interface QuerySchema { required?: string[], properties?: Record<string, { default?: unknown }> }

/**
 * Ajv fills in a query parameter's default when it is absent, but @fastify/swagger lists every
 * property in the schema's `required` as a required parameter, so a generated client would demand
 * `page` and `page_size`. In the document, a query parameter with a default is optional.
 */
export const optionalDefaults: SwaggerTransform = ({ schema, url }) => {
  // Routes without a schema (test probes, static files) pass through untouched.
  const query = schema?.querystring as QuerySchema | undefined
  if (query?.required === undefined || query.properties === undefined) return { schema, url }
  const properties = query.properties
  const required = query.required.filter((name) => properties[name]?.default === undefined)
  return { schema: { ...schema, querystring: { ...query, required } }, url }
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
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'system', description: 'Health, readiness and the API description' }
      ]
    },
    transform: optionalDefaults,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, staticCSP: true })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi', dependencies: ['errors'] })
