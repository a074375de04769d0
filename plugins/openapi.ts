import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { sharedSchemas } from '../src/schemas/index.js'

export const apiInfo = {
  title: 'Retail Ops API',
  version: '1.0.0',
  description: 'Multi-tenant retail and operations API. Every response is `{ data, error }`; see the ErrorResponse schema for failures.'
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
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, staticCSP: true })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi', dependencies: ['errors'] })
