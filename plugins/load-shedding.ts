import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { errors } from '#src/errors/index.js'

/**
 * Load shedding (@fastify/under-pressure): while the event-loop delay, event-loop utilization, heap
 * or RSS is over its configured limit (0 = not checked), requests get 503 SERVICE_UNAVAILABLE with
 * Retry-After in the envelope, before any work is done. Operational routes (health, readiness,
 * metrics) still run: /ready answers 503 itself, so the load balancer stops sending traffic here.
 */
export default fp(async (app) => {
  const { config } = app
  await app.register(underPressure, {
    maxEventLoopDelay: config.LOAD_MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: config.LOAD_MAX_EVENT_LOOP_UTILIZATION,
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: config.LOAD_MAX_HEAP_USED_BYTES,
    maxRssBytes: config.LOAD_MAX_RSS_BYTES,
    sampleInterval: config.LOAD_SAMPLE_INTERVAL_MS,
    pressureHandler: async (request, _reply, type) => {
      if (request.routeOptions.config.operational === true) return
      request.log.warn({ pressure: type }, 'shedding load')
      throw errors.SERVICE_UNAVAILABLE({ reason: 'overloaded' })
    }
  })
}, { name: 'load-shedding', dependencies: ['config', 'errors'] })
