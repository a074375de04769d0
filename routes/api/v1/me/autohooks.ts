import type { FastifyInstance } from 'fastify'
import { requireAuthentication } from '#plugins/auth.js'

/** /api/v1/me is about the caller: a valid access token is required. */
export default async function authenticated (app: FastifyInstance): Promise<void> {
  requireAuthentication(app)
}
