import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { codes } from '#src/errors/index.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { TenantResponse, UpdateTenantBody } from '#src/schemas/identity.js'
import { TenantParams } from '#src/schemas/params.js'
import { getTenant, updateTenant } from '#src/services/tenants.js'

const tags = ['tenants']

const tenant: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'getTenant',
      summary: 'The tenant',
      description: 'The tenant of the path, which must be the token\'s tenant.',
      tags,
      params: TenantParams,
      response: { 200: ref(TenantResponse), ...errorResponses(...TENANT_ERRORS, codes.TENANT_NOT_FOUND) }
    }
  }, async (request) => ({ data: await getTenant(app.db, request.auth), error: null }))

  app.patch('', {
    schema: {
      operationId: 'updateTenant',
      summary: 'Rename the tenant or change its default currency (admin or owner)',
      description: 'Renames the tenant or changes the currency new products default to; existing prices keep their currency. Admins and owners.',
      tags,
      params: TenantParams,
      body: ref(UpdateTenantBody),
      response: { 200: ref(TenantResponse), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.TENANT_NOT_FOUND) }
    }
  }, async (request) => ({ data: await updateTenant(app.db, request.auth, request.body), error: null }))
}

export default tenant
