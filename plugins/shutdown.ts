import fp from 'fastify-plugin'
import { errors } from '#src/errors/index.js'
import { sendError } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** True once `close()` has begun: the server no longer accepts connections and is draining. */
    readonly shuttingDown: boolean
  }
}

/**
 * While the server drains, requests that still arrive on open keep-alive connections get a 503 in
 * the envelope with `Connection: close`, so the load balancer retries them elsewhere. In-flight
 * requests are unaffected and finish normally.
 */
export default fp(async (app) => {
  let shuttingDown = false
  app.decorate('shuttingDown', { getter: () => shuttingDown })
  app.addHook('preClose', async () => { shuttingDown = true })
  app.addHook('onRequest', (request, reply, done) => {
    if (!shuttingDown) return done()
    reply.header('connection', 'close')
    sendError(reply, errors.SERVICE_UNAVAILABLE({ reason: 'shuttingDown' }))
  })
}, { name: 'shutdown', dependencies: ['errors'] })
