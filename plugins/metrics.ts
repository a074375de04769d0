import fp from 'fastify-plugin'
import { routeLabel } from '#src/http/route-label.js'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export interface Metrics {
  /** This app's registry (never prom-client's global one, so two apps can run in one process); null with METRICS_ENABLED=false. */
  readonly registry: Registry | null
  readonly cache: {
    hit: (cache: string) => void
    miss: (cache: string) => void
  }
  readonly rateLimit: {
    /** A request answered 429 by the budget named `scope` (anonymous, tenant, user, credentials). */
    rejected: (scope: string) => void
    /** A limit check that could not reach its store and let the request through. */
    storeFailure: () => void
  }
  /** A call of a deprecated operation, by the tenant that made it (null: anonymous). */
  readonly deprecatedCall: (operation: string, tenantId: string | null) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Prometheus metrics: HTTP duration by method, route pattern and status; requests in flight; the
 * pg pool; rate limiting; cache hits and misses; and prom-client's process and event-loop metrics.
 * Per request it costs one histogram observation; the in-flight count and the pool are
 * read only when scraped.
 */
/** What the rest of the app calls when metrics are off: nothing is counted and nothing runs per request. */
const disabled: Metrics = {
  registry: null,
  cache: { hit: () => {}, miss: () => {} },
  rateLimit: { rejected: () => {}, storeFailure: () => {} },
  deprecatedCall: () => {}
}

export default fp(async (app) => {
  if (!app.config.METRICS_ENABLED) {
    app.decorate('metrics', disabled)
    return
  }
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry })

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending the response, by route pattern',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers
  })
  // Read when scraped, never per request.
  const { inFlight, pgPool: pool } = app
  const scrapedGauge = (name: string, help: string, read: () => number) => new Gauge({ name, help, registers, collect () { this.set(read()) } })
  scrapedGauge('http_requests_in_flight', 'Requests received and not yet answered', () => inFlight.count)
  scrapedGauge('db_pool_connections', 'Open connections in the pg pool', () => pool.totalCount)
  scrapedGauge('db_pool_idle_connections', 'Open pg connections not checked out', () => pool.idleCount)
  scrapedGauge('db_pool_waiting_clients', 'Queries waiting for a pg connection', () => pool.waitingCount)

  const rejections = new Counter({ name: 'rate_limit_rejections_total', help: 'Requests answered 429, by budget', labelNames: ['scope'] as const, registers })
  const storeFailures = new Counter({ name: 'rate_limit_store_failures_total', help: 'Rate-limit checks that could not reach the store and let the request through (fail open)', registers })
  const cacheHits = new Counter({ name: 'cache_hits_total', help: 'Cache lookups answered from the cache, by cache', labelNames: ['cache'] as const, registers })
  const cacheMisses = new Counter({ name: 'cache_misses_total', help: 'Cache lookups that fell through to the source, by cache', labelNames: ['cache'] as const, registers })
  // Per tenant, so the owners of the integrations still calling can be told before the sunset;
  // only tenants that call a deprecated operation make series.
  const deprecatedCalls = new Counter({ name: 'http_deprecated_calls_total', help: 'Calls of deprecated operations, by operation and tenant', labelNames: ['operation', 'tenant_id'] as const, registers })

  app.decorate('metrics', {
    registry,
    cache: {
      hit: (cache: string) => { cacheHits.inc({ cache }) },
      miss: (cache: string) => { cacheMisses.inc({ cache }) }
    },
    rateLimit: {
      rejected: (scope: string) => { rejections.inc({ scope }) },
      storeFailure: () => { storeFailures.inc() }
    },
    deprecatedCall: (operation: string, tenantId: string | null) => { deprecatedCalls.inc({ operation, tenant_id: tenantId ?? 'anonymous' }) }
  } satisfies Metrics)

  app.addHook('onResponse', (request, reply, done) => {
    duration.observe({ method: request.method, route: routeLabel(request), status_code: reply.statusCode }, reply.elapsedTime / 1000)
    done()
  })
}, { name: 'metrics', dependencies: ['database', 'in-flight'] })
