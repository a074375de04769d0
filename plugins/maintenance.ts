import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { deleteExpiredKeys } from '#db/queries/idempotency-keys.js'
import type { Db } from '#db/schema/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    maintenance: {
      /** Adds a clean-up task to the periodic run (plugins call it while the app is built). */
      add: (name: string, task: (db: Db) => Promise<number>) => void
      /** Runs every task now if no other instance is running them; the rows each removed, or null when skipped. */
      runNow: () => Promise<Record<string, number> | null>
    }
  }
}

/** How often the clean-up runs, and how long after start-up the first time. */
const INTERVAL_MS = 10 * 60_000
const FIRST_RUN_MS = 60_000
/** Any number, the same on every instance: the advisory lock that lets one of them run at a time. */
const LOCK_KEY = 727_100_001
const BATCH = 1000
const MAX_BATCHES = 100

/** Repeats a batch delete until it removes less than a batch (or MAX_BATCHES ran); the total. */
export async function inBatches (deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const removed = await deleteBatch(BATCH)
    total += removed
    if (removed < BATCH) break
  }
  return total
}

/**
 * Periodic clean-up (expired idempotency keys; later, events past retention), on one instance at
 * a time: whoever gets the transaction-scoped advisory lock runs, the others skip this round.
 * A task deletes in batches and returns how many rows it removed.
 */
export default fp(async (app) => {
  const tasks = new Map<string, (db: Db) => Promise<number>>([
    // Stored responses for Idempotency-Key retries, 24 h after the request (they are ignored once expired).
    ['idempotency_keys', async (db) => await inBatches(async (limit) => await deleteExpiredKeys(db, limit))]
  ])

  async function runNow (): Promise<Record<string, number> | null> {
    return await app.db.connection().execute(async (db) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${LOCK_KEY}) as locked`.execute(db)
      if (rows[0]?.locked !== true) return null
      try {
        const removed: Record<string, number> = {}
        for (const [name, task] of tasks) removed[name] = await task(db)
        return removed
      } finally {
        await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(db)
      }
    })
  }

  let timer: NodeJS.Timeout | undefined
  const schedule = (delay: number): void => {
    timer = setTimeout(() => {
      runNow().then((removed) => {
        if (removed !== null && Object.values(removed).some((count) => count > 0)) app.log.info({ removed }, 'maintenance: removed expired rows')
      }, (error: unknown) => { app.log.warn({ err: error }, 'maintenance run failed; trying again next time') })
        .finally(() => { schedule(INTERVAL_MS) })
    }, delay)
    timer.unref()
  }

  app.decorate('maintenance', { add: (name: string, task: (db: Db) => Promise<number>) => { tasks.set(name, task) }, runNow })
  app.addHook('onReady', async () => { schedule(FIRST_RUN_MS) })
  app.addHook('onClose', async () => { clearTimeout(timer) })
}, { name: 'maintenance', dependencies: ['database'] })
