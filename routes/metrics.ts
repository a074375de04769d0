import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '#src/errors/index.js'
import { bearerToken } from '#src/http/bearer.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** Prometheus scrape endpoint; with METRICS_TOKEN set it needs `Authorization: Bearer <token>`. */
const metrics: FastifyPluginAsyncTypebox = async (app) => {
  const { registry } = app.metrics
  // METRICS_ENABLED=false: no endpoint (a scrape gets 404 ROUTE_NOT_FOUND).
  if (registry === null) return
  const token = app.config.METRICS_TOKEN
  const expected = token === undefined ? undefined : digest(token)

  app.get('/metrics', {
    config: { operational: true },
    schema: { hide: true }
  }, async (request, reply) => {
    if (expected !== undefined) {
      const given = bearerToken(request.headers.authorization)
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        throw errors.UNAUTHORIZED({ reason: 'metricsToken' })
      }
    }
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}

export default metrics
