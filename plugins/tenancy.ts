import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { errors } from '#src/errors/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: the path's tenant_id must be the token's tenant, else 403 TENANT_MISMATCH. */
    requireTenantMatch: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void
  }
}

export default fp(async (app) => {
  // A callback hook: no promise per request.
  app.decorate('requireTenantMatch', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const { tenant_id: tenantId } = request.params as { tenant_id?: string }
    // UUIDs are case-insensitive: the token's own tenant in capitals is still its tenant.
    done(tenantId?.toLowerCase() === request.auth.tenantId ? undefined : errors.TENANT_MISMATCH())
  })
}, { name: 'tenancy', dependencies: ['auth'] })
