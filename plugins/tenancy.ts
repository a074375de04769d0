import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { errors } from '#src/errors/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: the path's tenant_id must be the token's tenant, else 403 TENANT_MISMATCH. */
    requireTenantMatch: (request: FastifyRequest) => Promise<void>
  }
}

export default fp(async (app) => {
  app.decorate('requireTenantMatch', async (request: FastifyRequest) => {
    const { tenant_id: tenantId } = request.params as { tenant_id?: string }
    if (tenantId !== request.auth.tenantId) throw errors.TENANT_MISMATCH()
  })
}, { name: 'tenancy', dependencies: ['auth'] })
