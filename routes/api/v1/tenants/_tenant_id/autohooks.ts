import type { FastifyInstance } from 'fastify'
import { requireAuthentication } from '#plugins/auth.js'

/** Everything under /api/v1/tenants/{tenant_id} needs a valid token for that very tenant. */
export default async function tenantGuard (app: FastifyInstance): Promise<void> {
  requireAuthentication(app)
  app.addHook('preHandler', app.requireTenantMatch)
}
