import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { AppError } from '#src/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: the path's tenant_id must be the token's tenant, else 403 TENANT_MISMATCH. */
    requireTenantMatch: (request: FastifyRequest) => Promise<void>
  }
}

export default fp(async (app) => {
  app.decorate('requireTenantMatch', async (request: FastifyRequest) => {
    const { tenant_id: tenantId } = request.params as { tenant_id?: string }
    if (tenantId !== request.auth.tenantId) throw AppError.of('TENANT_MISMATCH')
  })
}, { name: 'tenancy', dependencies: ['auth'] })
