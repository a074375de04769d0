import fp from 'fastify-plugin'

/** Echoes the request id (client-supplied when well formed, see src/request-id.ts) on every response. */
export default fp(async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
}, { name: 'request-id' })
