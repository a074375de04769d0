import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, ref } from '#src/schemas/index.js'
import { TenantResponse, UpdateTenantBody } from '#src/schemas/identity.js'
import { TenantParams } from '#src/schemas/params.js'
import { getTenant, updateTenant } from '#src/services/tenants.js'

const tags = ['tenants']

const tenant: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'getTenant',
      summary: 'The tenant',
      tags,
      params: TenantParams,
      response: { 200: ref(TenantResponse), ...errorResponses(401, 403, 404, 422, 429) }
    }
  }, async (request) => ({ data: await getTenant(app.db, request.auth), error: null }))

  app.patch('', {
    schema: {
      operationId: 'updateTenant',
      summary: 'Rename the tenant or change its default currency (admin or owner)',
      tags,
      params: TenantParams,
      body: ref(UpdateTenantBody),
      response: { 200: ref(TenantResponse), ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429) }
    }
  }, async (request) => ({ data: await updateTenant(app.db, request.auth, request.body), error: null }))
}

export default tenant
