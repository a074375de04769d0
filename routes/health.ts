import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { errors } from '#src/errors/index.js'
import { errorResponses, HealthResponse, ReadinessResponse, ref } from '#src/schemas/index.js'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    config: { operational: true },
    schema: {
      operationId: 'getHealth',
      summary: 'Liveness: the process is up and serving (no I/O)',
      description: 'Answers 200 while the process serves requests; it touches no database, so a database outage does not restart healthy instances. Use /ready for routing decisions.',
      tags: ['system'],
      response: { 200: ref(HealthResponse), ...errorResponses() }
    }
  }, async () => ({ data: { status: 'ok' as const }, error: null }))

  app.get('/ready', {
    config: { operational: true },
    schema: {
      operationId: 'getReadiness',
      summary: 'Readiness: the database answers, and the server is neither overloaded nor shutting down',
      description: 'Redis is reported but does not make the instance unready: without it the service goes on (rate limits per instance, no shared cache), so status is degraded, not down.',
      tags: ['system'],
      response: { 200: ref(ReadinessResponse), ...errorResponses() }
    }
  }, async () => {
    if (app.shuttingDown) throw errors.SERVICE_UNAVAILABLE({ reason: 'notReadyShuttingDown' })
    if (app.isUnderPressure()) throw errors.SERVICE_UNAVAILABLE({ reason: 'notReadyOverloaded' })
    try {
      await withTimeout(sql`select 1`.execute(app.db), app.config.DB_READY_TIMEOUT_MS)
    } catch {
      throw errors.DATABASE_UNAVAILABLE()
    }
    const redis = await redisState()
    return { data: { status: redis === 'unavailable' ? 'degraded' as const : 'ok' as const, database: 'ok' as const, redis }, error: null }
  })

  async function redisState (): Promise<'ok' | 'unavailable' | 'not_configured'> {
    if (app.redis === null) return 'not_configured'
    if (app.redis.status !== 'ready') return 'unavailable'
    try {
      // Bounded by REDIS_COMMAND_TIMEOUT_MS: a frozen Redis answers nothing.
      await app.redis.ping()
      return 'ok'
    } catch {
      return 'unavailable'
    }
  }
}

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export default health
