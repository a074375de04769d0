import cluster, { type Worker } from 'node:cluster'
import { createDatabase } from '#db/database.js'
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgres } from '#db/embedded/index.js'
import { migrateToLatest } from '#db/migrator.js'
import type { Config } from './config.js'

/** A worker that keeps dying is restarted at most this often. */
const RESTART_DELAY_MS = 1000

function say (message: string): void {
  process.stderr.write(`cluster: ${message}\n`)
}

/**
 * WEB_CONCURRENCY > 1: this process is the primary. It provides the database once (the embedded
 * server when there is no DATABASE_URL) and applies the migrations, then forks that many
 * workers, which all listen on PORT (node:cluster shares the socket). Each worker is a whole
 * instance of the service with its own pool of DB_POOL_MAX connections. A worker that exits
 * unexpectedly is started again. SIGTERM or SIGINT drain every worker (each shuts down as a
 * single server does), then the embedded database stops, then the primary exits.
 */
export async function runPrimary (config: Config, warnings: string[]): Promise<void> {
  const count = config.WEB_CONCURRENCY
  for (const warning of warnings) say(warning)
  if (config.REDIS_URL === undefined) {
    say(`WEB_CONCURRENCY=${count} without REDIS_URL: each worker keeps its own rate-limit counts and response cache, so a client's budget is up to ${count} times the configured one; set REDIS_URL to share them`)
  }

  let embedded: EmbeddedPostgres | undefined
  let databaseUrl = config.DATABASE_URL
  if (databaseUrl === undefined) {
    try {
      embedded = await startEmbeddedPostgres({ dataDir: config.EMBEDDED_DB_DIR, log: (message) => process.stderr.write(`embedded-postgres: ${message}\n`) })
    } catch (error) {
      if (error instanceof EmbeddedPostgresError) {
        process.stderr.write(`${error.message}\n`)
        process.exit(1)
      }
      throw error
    }
    databaseUrl = embedded.url
  }
  const { db } = createDatabase({ url: databaseUrl, poolMax: 1, statementTimeoutMs: 0, connectionTimeoutMs: config.DB_CONNECTION_TIMEOUT_MS })
  try {
    await migrateToLatest(db)
  } finally {
    await db.destroy()
  }

  let stopping = false
  const workers = new Set<Worker>()
  const fork = (): void => {
    const worker = cluster.fork({ DATABASE_URL: databaseUrl, WEB_CONCURRENCY: '1' })
    workers.add(worker)
    worker.on('exit', (code, signal) => {
      workers.delete(worker)
      if (stopping) return
      say(`worker ${worker.process.pid ?? '?'} exited (${signal ?? `code ${code}`}); starting another`)
      setTimeout(fork, RESTART_DELAY_MS).unref()
    })
  }
  for (let i = 0; i < count; i++) fork()
  say(`primary ${process.pid}: ${count} workers on port ${config.PORT}`)

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return
    stopping = true
    say(`${signal}: draining ${workers.size} workers`)
    const exited = [...workers].map(async (worker) => await new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve()
      worker.once('exit', () => resolve())
      // Ctrl-C reaches the workers too (same process group); SIGTERM is idempotent for them.
      worker.process.kill('SIGTERM')
    }))
    const deadline = setTimeout(() => {
      for (const worker of workers) worker.process.kill('SIGKILL')
    }, config.SHUTDOWN_GRACE_MS + 2000)
    await Promise.all(exited)
    clearTimeout(deadline)
    await embedded?.stop()
    process.exit(0)
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => { stop(signal).catch((error: unknown) => { say(`shutdown failed: ${String(error)}`); process.exit(1) }) })
  }
}
