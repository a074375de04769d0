import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { AppError } from '#src/errors.js'
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
    if (app.shuttingDown) throw AppError.of('SERVICE_UNAVAILABLE', 'The server is shutting down.')
    if (app.isUnderPressure()) throw AppError.of('SERVICE_UNAVAILABLE', 'The server is overloaded.')
    try {
      await withTimeout(sql`select 1`.execute(app.db), app.config.DB_READY_TIMEOUT_MS)
    } catch {
      throw AppError.of('DATABASE_UNAVAILABLE')
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
