import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/

/**
 * Fastify's `genReqId`: the client's X-Request-ID when it is a plain token of sane length, else a
 * new UUID.
 */
export function requestIdFrom (request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID()
}

/** Echoes the request id (see requestIdFrom) on every response. */
export default fp(async (app) => {
  // A callback hook: no promise per request on the hottest path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
}, { name: 'request-id' })
