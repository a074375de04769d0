import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { errors } from '#src/errors/index.js'
import { errorResponses, HealthResponse, ref } from '#src/schemas/index.js'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    config: { operational: true },
    schema: {
      operationId: 'getHealth',
      summary: 'Liveness: the process is up and serving (no I/O)',
      tags: ['system'],
      response: { 200: ref(HealthResponse), ...errorResponses() }
    }
  }, async () => ({ data: { status: 'ok' as const }, error: null }))

  app.get('/ready', {
    config: { operational: true },
    schema: {
      operationId: 'getReadiness',
      summary: 'Readiness: the database answers, and the server is neither overloaded nor shutting down',
      tags: ['system'],
      response: { 200: ref(HealthResponse), ...errorResponses() }
    }
  }, async () => {
    if (app.shuttingDown) throw errors.SERVICE_UNAVAILABLE({ reason: 'notReadyShuttingDown' })
    if (app.isUnderPressure()) throw errors.SERVICE_UNAVAILABLE({ reason: 'notReadyOverloaded' })
    try {
      await withTimeout(sql`select 1`.execute(app.db), app.config.DB_READY_TIMEOUT_MS)
    } catch {
      throw errors.DATABASE_UNAVAILABLE()
    }
    return { data: { status: 'ok' as const }, error: null }
  })
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
