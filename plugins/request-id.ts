import fp from 'fastify-plugin'

/** Echoes the request id (client-supplied when well formed, see src/request-id.ts) on every response. */
export default fp(async (app) => {
  // A callback hook: no promise per request on the hottest path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
}, { name: 'request-id' })
