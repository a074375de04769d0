import type { FastifyInstance } from 'fastify'

/** /api/v1/me is about the caller: a valid access token is required. */
export default async function authenticated (app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', app.authenticate)
}
