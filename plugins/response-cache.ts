import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify'
import { MemoryResponseStore } from '#src/cache/memory-store.js'
import { RedisResponseStore } from '#src/cache/redis-store.js'
import type { ResponseCacheStore } from '#src/cache/store.js'
import { ifNoneMatchHolds } from '#src/http/conditional.js'
import { StoreHealth } from '#src/resilience/store-health.js'

declare module 'fastify' {
  interface FastifyInstance {
    responseCache: {
      /** Route hooks for a cached GET (after authentication and the tenant guard); none when the cache is off. */
      readonly read: { preHandler?: preHandlerHookHandler, onSend?: onSendHookHandler }
      /** Route hooks for a write: a successful response first invalidates the tenant's cache. */
      readonly write: { onSend?: onSendHookHandler }
      /** Drops what this instance alone holds for the tenant (a change committed elsewhere); a no-op with Redis, whose store every instance shares. */
      readonly forget: (tenantId: string) => void
    }
  }
  interface FastifyRequest {
    /** The cache generation seen before the database was read; set on a miss that may be stored. */
    cacheGeneration: string | null
  }
}

const CACHE_NAME = 'responses'

/**
 * Caches serialized 200 responses of product reads per tenant: in Redis when REDIS_URL is set
 * (shared by every instance), else in an in-process LRU bounded by bytes. `X-Cache: HIT|MISS`
 * says which. Any write that can change a product (product writes, orders and voids through stock)
 * invalidates the tenant first. If the store fails, requests go to the database; if an
 * invalidation fails, this instance bypasses the cache for one TTL, so nothing stale is served.
 */
export default fp(async (app) => {
  const { config } = app
  const ttlMs = config.CACHE_TTL_SECONDS * 1000
  const enabled = ttlMs > 0
  const store: ResponseCacheStore = app.redis !== null
    ? new RedisResponseStore(app.redis, { ttlMs, prefix: `${config.REDIS_KEY_PREFIX}rc:` })
    : new MemoryResponseStore({ ttlMs: Math.max(ttlMs, 1), maxBytes: config.CACHE_MAX_BYTES })
  let bypassUntil = 0
  // A frozen Redis would make every read and write wait REDIS_COMMAND_TIMEOUT_MS: after one
  // failure the store is skipped for a second, and the outage is logged once per 30 s.
  const health = new StoreHealth({
    outageMessage: 'response cache bypassed: its Redis store is unavailable',
    recoveryMessage: 'response cache store recovered',
    redis: app.redis,
    log: app.log,
    onFailure: () => {},
    retryMs: 1000,
    logIntervalMs: 30_000
  })

  app.decorateRequest('cacheGeneration', null)
  app.addHook('onClose', async () => { await store.close() })

  const usable = (): boolean => enabled && Date.now() >= bypassUntil && health.usable()

  function sendHit (request: FastifyRequest, reply: FastifyReply, body: string, etag: string | undefined): FastifyReply {
    reply.header('x-cache', 'HIT')
    if (etag !== undefined) {
      reply.header('etag', etag)
      if (ifNoneMatchHolds(request, etag)) return reply.code(304).send()
    }
    return reply.type('application/json; charset=utf-8').send(body)
  }

  const preHandler: preHandlerHookHandler = async (request, reply) => {
    if (!usable()) {
      reply.header('x-cache', 'MISS')
      return
    }
    try {
      const { generation, hit } = await store.lookup(request.auth.tenantId, request.url)
      if (hit !== undefined) {
        app.metrics.cache.hit(CACHE_NAME)
        return sendHit(request, reply, hit.body, hit.etag)
      }
      request.cacheGeneration = generation
      health.succeeded()
    } catch (error) {
      health.failedOpen(error)
    }
    app.metrics.cache.miss(CACHE_NAME)
    reply.header('x-cache', 'MISS')
  }

  const onSend: onSendHookHandler = async (request, reply, payload) => {
    const generation = request.cacheGeneration
    if (generation !== null && reply.statusCode === 200 && typeof payload === 'string') {
      const etag = reply.getHeader('etag')
      store.store(request.auth.tenantId, generation, request.url, { body: payload, etag: typeof etag === 'string' ? etag : undefined })
        .catch((error: unknown) => { health.failedOpen(error) })
    }
    return payload
  }

  const invalidateOnSuccess: onSendHookHandler = async (request, reply, payload) => {
    if (enabled && reply.statusCode < 400) {
      try {
        // With Redis known to be out, do not wait for it: treat it as a failed invalidation.
        if (!health.usable()) throw new Error('the response cache store is unavailable')
        await store.invalidate(request.auth.tenantId)
        health.succeeded()
      } catch (error) {
        // Nothing this instance cached before the write may be served: no cache for one TTL.
        bypassUntil = Date.now() + ttlMs
        health.failedOpen(error)
      }
    }
    return payload
  }

  // With the cache off (CACHE_TTL_SECONDS=0) reads only say MISS, in a callback hook (no promise),
  // and writes get no hook at all.
  const markMiss: preHandlerHookHandler = (_request, reply, done) => {
    reply.header('x-cache', 'MISS')
    done()
  }
  const forget = (tenantId: string): void => {
    if (enabled && app.redis === null) store.invalidate(tenantId).catch(() => {})
  }
  app.decorate('responseCache', enabled
    ? { read: { preHandler, onSend }, write: { onSend: invalidateOnSuccess }, forget }
    : { read: { preHandler: markMiss }, write: {}, forget })
}, { name: 'response-cache', dependencies: ['redis', 'metrics', 'auth'] })
