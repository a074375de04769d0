import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The shared Redis client when REDIS_URL is set, else null. It never queues or retries a
     * command: while Redis is down or slow, commands fail within REDIS_COMMAND_TIMEOUT_MS, so
     * callers can fall back instead of waiting. It reconnects by itself.
     */
    redis: Redis | null
  }
}

const CONNECT_TIMEOUT_MS = 1000
const MAX_RECONNECT_DELAY_MS = 1000
const LOG_INTERVAL_MS = 30_000

export default fp(async (app) => {
  const { config } = app
  if (config.REDIS_URL === undefined) {
    app.decorate('redis', null)
    return
  }

  // Loaded only when configured: the client is a sizeable module a Redis-less instance never needs.
  const { Redis: RedisClient } = await import('ioredis')
  const redis = new RedisClient(config.REDIS_URL, {
    lazyConnect: true,
    // Fail fast instead of holding commands while disconnected, and never retry a sent command.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS)
  })

  // Reconnect attempts fail over and over while Redis is down: log the first, then once per interval.
  let down = false
  let closing = false
  let lastLoggedAt = 0
  const wentDown = (error?: Error): void => {
    if (closing) return
    const now = Date.now()
    if (!down || now - lastLoggedAt >= LOG_INTERVAL_MS) {
      app.log.warn({ err: error, redis_status: redis.status }, 'redis unavailable; reconnecting in the background')
      lastLoggedAt = now
    }
    down = true
  }
  redis.on('error', wentDown)
  redis.on('close', () => wentDown())
  redis.on('ready', () => {
    if (down) app.log.info('redis connection restored')
    down = false
  })

  try {
    await redis.connect()
  } catch {
    // Reported by the listeners above; callers fall back until the client reconnects.
  }

  app.decorate('redis', redis)
  app.addHook('onClose', async () => {
    closing = true
    redis.disconnect()
  })
}, { name: 'redis', dependencies: ['config'] })
