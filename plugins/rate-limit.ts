import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { errors } from '#src/errors/index.js'
import { normalizeEmail } from '#src/services/email.js'
import { StoreHealth } from '#src/rate-limit/store-health.js'
import { tenantLimits } from '#src/rate-limit/tenant-limits.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Login, register and refresh: the body field naming the credential tried. Adds a tight budget
     * per client IP and credential, against credential stuffing and guessing.
     */
    credentialField?: 'email' | 'refresh_token'
  }
}

type Scope = 'anonymous' | 'tenant' | 'user' | 'credentials'
type Check = ReturnType<FastifyInstance['createRateLimit']>
type Counted = Extract<Awaited<ReturnType<Check>>, { isAllowed: false }>

interface Budget {
  scope: Scope
  check: Check
}

/** The budget that constrains a request most, which the X-RateLimit-* headers describe. */
interface Verdict {
  scope: Scope
  max: number
  remaining: number
  resetSeconds: number
  exceeded: boolean
}

const WINDOW_MS = 60_000
/** Per-tenant limits from the database are re-read this often (no query per request). */
const TENANT_LIMIT_TTL_MS = 30_000
/** After a store failure, checks are skipped (fail open) this long, so no request waits on it. */
const STORE_RETRY_MS = 1000
const LOG_INTERVAL_MS = 30_000

/**
 * Rate limits (@fastify/rate-limit, fixed one-minute windows, in memory or in Redis):
 * - anonymous requests: per client IP, checked at onRequest, before any work;
 * - authenticated requests: per tenant (its plan, or the default) and per user, checked at
 *   preHandler once `authenticate` has set `request.authContext`; they do not use the IP budget;
 * - login, register and refresh: also per client IP and credential (hashed), after body parsing;
 * - routes with `config.operational` (health, readiness, metrics): never.
 * A failing store fails open: the request goes through unlimited, counted and logged. Each check
 * is one store round trip (one Lua call in Redis); the per-tenant limit is cached in memory.
 */
export default fp(async (app) => {
  const { config } = app
  if (!config.RATE_LIMIT_ENABLED) return

  const budget = async (scope: Scope, options: BudgetOptions): Promise<Budget> =>
    ({ scope, check: await createCheck(app, `${config.REDIS_KEY_PREFIX}rl:${scope}:`, options) })

  const limitOf = tenantLimits({
    db: app.db,
    fallback: config.RATE_LIMIT_TENANT_PER_MINUTE,
    ttlMs: TENANT_LIMIT_TTL_MS,
    onReadError: (error, tenantId) => { app.log.warn({ err: error, tenant_id: tenantId }, 'could not read the tenant rate limit; using the default') }
  })
  const anonymous = await budget('anonymous', { max: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, cache: 50_000 })
  const tenant = await budget('tenant', { max: async (request) => await limitOf(request.auth.tenantId), keyGenerator: (request) => request.auth.tenantId, cache: 20_000 })
  const user = await budget('user', { max: config.RATE_LIMIT_USER_PER_MINUTE, keyGenerator: (request) => request.auth.userId, cache: 50_000 })
  const credentials = await budget('credentials', { max: config.RATE_LIMIT_CREDENTIALS_PER_MINUTE, keyGenerator: credentialKey, cache: 20_000 })

  const health = new StoreHealth({ redis: app.redis, log: app.log, onFailure: app.metrics.rateLimit.storeFailure, retryMs: STORE_RETRY_MS, logIntervalMs: LOG_INTERVAL_MS })
  const earlier = new WeakMap<FastifyRequest, Verdict>()

  /**
   * Counts the request in each budget in turn, stopping at the first one it exceeds: a user over
   * their own budget does not also use up their tenant's. Sets the X-RateLimit-* headers from the
   * tightest budget, and answers 429 RATE_LIMITED with Retry-After when one is exceeded.
   */
  async function enforce (request: FastifyRequest, reply: FastifyReply, first: Budget, second?: Budget, previous?: Verdict): Promise<Verdict | undefined> {
    if (!health.usable()) {
      health.failedOpen()
      return previous
    }
    let verdict = previous
    try {
      verdict = tighter(verdict, first.scope, await first.check(request) as Counted)
      if (second !== undefined && !verdict.exceeded) verdict = tighter(verdict, second.scope, await second.check(request) as Counted)
    } catch (error) {
      health.failedOpen(error)
      return previous
    }
    health.succeeded()

    reply.header('x-ratelimit-limit', verdict.max)
    reply.header('x-ratelimit-remaining', verdict.remaining)
    reply.header('x-ratelimit-reset', verdict.resetSeconds)
    if (verdict.exceeded) {
      app.metrics.rateLimit.rejected(verdict.scope)
      reply.header('retry-after', verdict.resetSeconds)
      throw errors.RATE_LIMITED({ reason: verdict.scope })
    }
    return verdict
  }

  // Callback-style hooks: the common cases (an exempt route, a request that will authenticate)
  // return without allocating a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const routeConfig = request.routeOptions.config
    if (routeConfig.operational === true || request.headers.authorization !== undefined) return done()
    const checked = enforce(request, reply, anonymous)
    if (routeConfig.credentialField === undefined) return finish(checked, done)
    // Kept for the credential check at preHandler, so the headers describe the tighter of the two.
    finish(checked, done, (verdict) => { if (verdict !== undefined) earlier.set(request, verdict) })
  })

  app.addHook('preHandler', (request, reply, done) => {
    const routeConfig = request.routeOptions.config
    if (routeConfig.operational === true) return done()
    // `authContext` is null until `authenticate` has verified a token (see plugins/auth.ts).
    if (request.authContext !== null) return finish(enforce(request, reply, user, tenant), done)
    // Without an Authorization header the IP budget was already checked at onRequest.
    const checkedAnonymous = request.headers.authorization === undefined
    if (routeConfig.credentialField !== undefined) {
      return finish(checkedAnonymous
        ? enforce(request, reply, credentials, undefined, earlier.get(request))
        : enforce(request, reply, anonymous, credentials), done)
    }
    if (!checkedAnonymous) return finish(enforce(request, reply, anonymous), done)
    done()
  })
}, { name: 'rate-limit', dependencies: ['config', 'database', 'redis', 'auth', 'metrics', 'errors'] })

function finish (outcome: Promise<Verdict | undefined>, done: HookHandlerDoneFunction, then?: (verdict: Verdict | undefined) => void): void {
  outcome.then((verdict) => {
    then?.(verdict)
    done()
  }, done)
}

/** Exceeded beats not exceeded; then the longer wait, or the fewer requests left. */
function tighter (current: Verdict | undefined, scope: Scope, result: Counted): Verdict {
  const candidate: Verdict = { scope, max: result.max, remaining: result.remaining, resetSeconds: result.ttlInSeconds, exceeded: result.isExceeded }
  if (current === undefined) return candidate
  if (candidate.exceeded !== current.exceeded) return candidate.exceeded ? candidate : current
  if (candidate.exceeded) return candidate.resetSeconds > current.resetSeconds ? candidate : current
  return candidate.remaining < current.remaining ? candidate : current
}

interface BudgetOptions {
  max: number | ((request: FastifyRequest) => Promise<number>)
  keyGenerator?: (request: FastifyRequest) => string
  /** Keys kept by the in-memory store (least recently used are dropped beyond it). */
  cache: number
}

/**
 * One @fastify/rate-limit instance per budget, each in its own encapsulated scope: that gives each
 * budget its own key prefix (`<REDIS_KEY_PREFIX>rl:<scope>:<key>`) and in-memory store.
 * Without a keyGenerator the key is the client IP (an IPv6 address counts by its /64).
 */
async function createCheck (app: FastifyInstance, nameSpace: string, options: BudgetOptions): Promise<Check> {
  let check: Check | undefined
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      timeWindow: WINDOW_MS,
      max: options.max,
      ...(options.keyGenerator !== undefined && { keyGenerator: options.keyGenerator }),
      cache: options.cache,
      ...(app.redis !== null && { redis: app.redis, nameSpace }),
      // Errors reach `enforce`, which fails open and reports them.
      skipOnError: false
    })
    check = scope.createRateLimit()
  })
  if (check === undefined) throw new Error('@fastify/rate-limit did not provide createRateLimit')
  return check
}

/** `<ip>:<sha256 of the credential>`: the email (trimmed, lower-cased) or refresh token never reaches the store. */
function credentialKey (request: FastifyRequest): string {
  const field = request.routeOptions.config.credentialField ?? 'email'
  const given = (request.body as Record<string, unknown> | undefined)?.[field]
  let credential = typeof given === 'string' ? given : ''
  if (field === 'email') credential = normalizeEmail(credential)
  return `${normalizeIP(request.ip)}:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`
}
