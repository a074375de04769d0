import type { FastifyInstance } from 'fastify'

/** Everything under /api/v1/tenants/{tenant_id} needs a valid token for that very tenant. */
export default async function tenantGuard (app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', app.authenticate)
  app.addHook('preHandler', app.requireTenantMatch)
}
