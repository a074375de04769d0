import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import { normalizeIP } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { errors } from '#src/errors/index.js'
import { Budget, tighter, type CounterStore, type Scope, type Verdict, type VerdictCallback } from '#src/rate-limit/budget.js'
import { StoreHealth } from '#src/resilience/store-health.js'
import { tenantLimits } from '#src/rate-limit/tenant-limits.js'
import { normalizeEmail } from '#src/services/email.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Login, register and refresh: the body field naming the credential tried. Adds a tight budget
     * per client IP and credential, against credential stuffing and guessing.
     */
    credentialField?: 'email' | 'refresh_token'
  }
}

const WINDOW_MS = 60_000
/** Per-tenant limits from the database are re-read this often (no query per request). */
const TENANT_LIMIT_TTL_MS = 30_000
/** After a store failure, checks are skipped (fail open) this long, so no request waits on it. */
const STORE_RETRY_MS = 1000
const LOG_INTERVAL_MS = 30_000
/** Keys each in-memory budget keeps (least recently used are dropped beyond it). */
const LOCAL_KEYS: Record<Scope, number> = { anonymous: 50_000, tenant: 20_000, user: 50_000, credentials: 20_000 }

/**
 * Rate limits: fixed one-minute windows, counted by @fastify/rate-limit's own stores (its LRU
 * LocalStore in memory, or its RedisStore's Lua script, shared by every instance):
 * - anonymous requests, and any whose token is invalid, expired or revoked: per client IP,
 *   checked at onRequest, before any work;
 * - authenticated requests: per user, then per tenant (its plan, or the default), checked at
 *   preHandler once `authenticate` has set `request.authContext`; they do not use the IP budget;
 * - login, register and refresh: also per client IP and credential (hashed), after body parsing;
 * - routes with `config.operational` (health, readiness, metrics): never.
 * A failing store fails open: the request goes through unlimited, counted and logged.
 *
 * The stores are driven here directly, through their callback API, rather than through the
 * plugin's `createRateLimit()`: that wraps each count in an async function with four awaits,
 * and two budgets per authenticated request made the limiter one of the larger costs of a small
 * request in CPU profiles. The per-tenant limit is read from memory without a promise.
 */
export default fp(async (app) => {
  const { config } = app
  if (!config.RATE_LIMIT_ENABLED) return

  const redis = app.redis
  const budget = (scope: Scope): Budget => {
    const store: CounterStore = redis !== null
      ? new RedisStore(false, false, redis, `${config.REDIS_KEY_PREFIX}rl:${scope}:`)
      : new LocalStore(false, false, LOCAL_KEYS[scope])
    return new Budget(scope, store, WINDOW_MS)
  }
  const anonymous = budget('anonymous')
  const tenant = budget('tenant')
  const user = budget('user')
  const credentials = budget('credentials')

  const limits = tenantLimits({
    db: app.db,
    fallback: config.RATE_LIMIT_TENANT_PER_MINUTE,
    ttlMs: TENANT_LIMIT_TTL_MS,
    onReadError: (error, tenantId) => { app.log.warn({ err: error, tenant_id: tenantId }, 'could not read the tenant rate limit; using the default') }
  })
  const health = new StoreHealth({ outageMessage: 'rate limiting fails open: its store is unavailable', recoveryMessage: 'rate limiting store recovered', redis, log: app.log, onFailure: app.metrics.rateLimit.storeFailure, retryMs: STORE_RETRY_MS, logIntervalMs: LOG_INTERVAL_MS })
  const earlier = new WeakMap<FastifyRequest, Verdict>()

  /**
   * The verdict becomes the X-RateLimit-* headers, and a 429 RATE_LIMITED with Retry-After when
   * it is exceeded. A store error fails open: the request goes on with what was known before.
   */
  function settle (reply: FastifyReply, done: HookHandlerDoneFunction, error: Error | null, verdict: Verdict | undefined, previous?: Verdict): Verdict | undefined {
    if (error !== null || verdict === undefined) {
      health.failedOpen(error ?? undefined)
      done()
      return previous
    }
    health.succeeded()
    reply.header('x-ratelimit-limit', verdict.max)
    reply.header('x-ratelimit-remaining', verdict.remaining)
    reply.header('x-ratelimit-reset', verdict.resetSeconds)
    if (verdict.exceeded) {
      app.metrics.rateLimit.rejected(verdict.scope)
      reply.header('retry-after', verdict.resetSeconds)
      done(errors.RATE_LIMITED({ reason: verdict.scope }))
      return verdict
    }
    done()
    return verdict
  }

  /** Counts in `first`, then (unless that is already exceeded) in `second`; one verdict for both. */
  function countBoth (first: Budget, firstKey: string, firstMax: number, second: Budget, secondKey: string, secondMax: number, previous: Verdict | undefined, callback: VerdictCallback): void {
    first.count(firstKey, firstMax, (error, verdict) => {
      if (error !== null || verdict === undefined) return callback(error, undefined)
      const combined = tighter(previous, verdict)
      if (combined.exceeded) return callback(null, combined)
      second.count(secondKey, secondMax, (secondError, secondVerdict) => {
        if (secondError !== null || secondVerdict === undefined) return callback(secondError, undefined)
        callback(null, tighter(combined, secondVerdict))
      })
    })
  }

  function checkAuthenticated (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, tenantMax: number): void {
    const { userId, tenantId } = request.auth
    countBoth(user, userId, config.RATE_LIMIT_USER_PER_MINUTE, tenant, tenantId, tenantMax, undefined,
      (error, verdict) => { settle(reply, done, error, verdict) })
  }

  // Callback hooks, and the in-memory store answers synchronously: no promise per request.
  /** Will this request authenticate? A garbage, expired or revoked token spends the IP's budget like no token. */
  function bearsValidToken (authorization: string | undefined): boolean {
    if (authorization === undefined) return false
    try {
      return app.revocations.standing(app.verifyAccessToken(authorization)) !== 'revoked'
    } catch {
      return false
    }
  }

  app.addHook('onRequest', (request, reply, done) => {
    const routeConfig = request.routeOptions.config
    if (routeConfig.operational === true || bearsValidToken(request.headers.authorization)) return done()
    if (!health.usable()) {
      health.failedOpen()
      return done()
    }
    anonymous.count(clientKey(request), config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, (error, verdict) => {
      const settled = settle(reply, done, error, verdict)
      // Kept for the credential check at preHandler, so the headers describe the tighter of the two.
      if (settled !== undefined && routeConfig.credentialField !== undefined) earlier.set(request, settled)
    })
  })

  app.addHook('preHandler', (request, reply, done) => {
    const routeConfig = request.routeOptions.config
    if (routeConfig.operational === true) return done()
    if (!health.usable()) {
      health.failedOpen()
      return done()
    }
    if (request.authContext !== null) {
      const known = limits.peek(request.authContext.tenantId)
      if (known !== undefined) return checkAuthenticated(request, reply, done, known)
      limits.load(request.authContext.tenantId).then((max) => { checkAuthenticated(request, reply, done, max) }, done)
      return
    }
    // The IP budget was already checked at onRequest unless the request bore a valid token (a
    // route that does not authenticate, such as refresh, still spends it then).
    const checkedAnonymous = !bearsValidToken(request.headers.authorization)
    if (routeConfig.credentialField !== undefined) {
      const key = credentialKey(request)
      const max = config.RATE_LIMIT_CREDENTIALS_PER_MINUTE
      if (checkedAnonymous) {
        const previous = earlier.get(request)
        return credentials.count(key, max, (error, verdict) => { settle(reply, done, error, verdict === undefined ? undefined : tighter(previous, verdict), previous) })
      }
      return countBoth(anonymous, clientKey(request), config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, credentials, key, max, undefined,
        (error, verdict) => { settle(reply, done, error, verdict) })
    }
    if (!checkedAnonymous) {
      return anonymous.count(clientKey(request), config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, (error, verdict) => { settle(reply, done, error, verdict) })
    }
    done()
  })
}, { name: 'rate-limit', dependencies: ['config', 'database', 'redis', 'auth', 'revocation', 'metrics', 'errors'] })

/** The client IP; an IPv6 address counts by its /64, which one client usually holds whole. */
function clientKey (request: FastifyRequest): string {
  return normalizeIP(request.ip)
}

/** `<ip>:<sha256 of the credential>`: the email (normalized) or refresh token never reaches the store. */
function credentialKey (request: FastifyRequest): string {
  const field = request.routeOptions.config.credentialField ?? 'email'
  const given = (request.body as Record<string, unknown> | undefined)?.[field]
  let credential = typeof given === 'string' ? given : ''
  if (field === 'email') credential = normalizeEmail(credential)
  return `${clientKey(request)}:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`
}
