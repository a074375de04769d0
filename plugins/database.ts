import fp from 'fastify-plugin'
import type pg from 'pg'
import { createDatabase } from '#db/database.js'
import type { Db } from '#db/schema/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    pgPool: pg.Pool
  }
}

/** The Kysely instance over one pg pool, destroyed when the app closes. */
export default fp(async (app) => {
  const { config } = app
  const { db, pool } = createDatabase({
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMs: config.DB_CONNECTION_TIMEOUT_MS
  })
  app.decorate('db', db)
  app.decorate('pgPool', pool)
  app.addHook('onClose', async () => { await db.destroy() })
}, { name: 'database', dependencies: ['config'] })
