import fp from 'fastify-plugin'
import { createDatabase } from '#db/database.js'
import { EVENTS_CHANNEL } from '#db/queries/events.js'
import { deleteFinishedDeliveries } from '#db/queries/webhook-deliveries.js'
import { WebhookSender } from '#src/webhooks/sender.js'
import type { TargetPolicy } from '#src/webhooks/ssrf.js'
import { WebhookWorker } from '#src/webhooks/worker.js'
import { inBatches } from './maintenance.js'

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: {
      /** Where webhook URLs may point (checked on create and update, and before each delivery). */
      policy: TargetPolicy
      /** One fan-out and delivery pass, waiting for the deliveries it started (a no-op when WEBHOOKS_ENABLED=false). */
      runOnce: () => Promise<void>
    }
  }
}

/** Finished deliveries (succeeded or given up) stay in the delivery log this long. */
const LOG_RETENTION_DAYS = 7
/** The worker's own connections: sends never wait for a request's connection, nor requests for the worker's. */
const WORKER_POOL_MAX = 2

/**
 * Webhooks: the delivery worker (one per instance, all instances at once), woken by the outbox's
 * NOTIFY and every WEBHOOK_POLL_MS, and the clean-up of the delivery log.
 */
export default fp(async (app) => {
  const { config } = app
  const policy: TargetPolicy = { httpsOnly: config.NODE_ENV === 'production', allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS }
  app.maintenance.add('webhook_deliveries', async (db) => await inBatches(async (limit) => await deleteFinishedDeliveries(db, LOG_RETENTION_DAYS, limit)))

  if (!config.WEBHOOKS_ENABLED) {
    app.decorate('webhooks', { policy, runOnce: async () => {} })
    return
  }

  const { db } = createDatabase({
    url: config.DATABASE_URL,
    poolMax: WORKER_POOL_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMs: config.DB_CONNECTION_TIMEOUT_MS,
    applicationName: 'retail-ops-api webhooks'
  })
  const sender = new WebhookSender(policy, config.WEBHOOK_TIMEOUT_MS)
  const worker = new WebhookWorker({
    db,
    send: async (url, headers, body) => await sender.send(url, headers, body),
    concurrency: config.WEBHOOK_CONCURRENCY,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    log: app.log
  })
  app.decorate('webhooks', { policy, runOnce: async () => { await worker.runOnce() } })

  // A notification wakes the worker only for tenants that have an active endpoint (read at every
  // poll): most tenants have none, and a pass costs a few queries. The poll wakes it regardless,
  // so an endpoint created since the last poll waits for the next one at most.
  let tenantsWithEndpoints = new Set<string>()
  const refreshTenants = async (): Promise<void> => {
    const rows = await db.selectFrom('webhook_endpoints').select('tenant_id').distinct().where('active', '=', true).execute()
    tenantsWithEndpoints = new Set(rows.map((row) => row.tenant_id))
  }
  const concerns = (payload: string): boolean =>
    payload === '*' || payload.split(',').some((part) => tenantsWithEndpoints.has(part.slice(0, part.indexOf(':'))))

  // Before ready: the listener LISTENs on the channels registered by then.
  app.pgListener.on(EVENTS_CHANNEL, (payload) => { if (concerns(payload)) worker.wake() })
  app.pgListener.onSynchronise(async () => { worker.wake() })

  let timer: NodeJS.Timeout | undefined
  const poll = (): void => {
    refreshTenants().catch(() => {}).finally(() => { worker.wake() })
  }
  app.addHook('onReady', async () => {
    timer = setInterval(poll, config.WEBHOOK_POLL_MS)
    timer.unref()
    poll()
  })
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await worker.stop()
    sender.close()
    await db.destroy()
  })
}, { name: 'webhooks', dependencies: ['config', 'database', 'notifications', 'maintenance'] })
