import fp from 'fastify-plugin'
import { PgListener } from '#src/notifications/pg-listener.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's LISTEN connection: plugins register channels on it before it starts (onReady). */
    pgListener: PgListener
  }
}

export default fp(async (app) => {
  const { config } = app
  const listener = new PgListener({ url: config.DATABASE_URL, log: app.log, connectTimeoutMs: config.DB_CONNECTION_TIMEOUT_MS, maxRetryDelayMs: 5000 })
  app.decorate('pgListener', listener)
  app.addHook('onReady', async () => { await listener.start() })
  app.addHook('onClose', async () => { await listener.close() })
}, { name: 'notifications', dependencies: ['config'] })
