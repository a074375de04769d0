import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { Ajv } from 'ajv'
import { Type, type Static } from 'typebox'

const port = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65535, default: fallback })
const milliseconds = (fallback: number) => Type.Integer({ minimum: 1, default: fallback })
const perMinute = (fallback: number) => Type.Integer({ minimum: 1, default: fallback })
/** 0 turns the check off. */
const limit = (fallback: number) => Type.Number({ minimum: 0, default: fallback })

/**
 * Every environment variable the service reads, with its default. This is the only place that
 * knows about `process.env`; the rest of the code receives a typed `Config`.
 */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: port(3000),
  WEB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),

  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  EMBEDDED_DB_DIR: Type.String({ minLength: 1, default: '.data/postgres' }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 500, default: 20 }),
  DB_STATEMENT_TIMEOUT_MS: milliseconds(5000),
  DB_CONNECTION_TIMEOUT_MS: milliseconds(2000),
  DB_READY_TIMEOUT_MS: milliseconds(1000),

  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'retail-ops-api' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'retail-ops-api' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86400, default: 900 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),

  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1048576 }),
  REQUEST_TIMEOUT_MS: milliseconds(30000),
  KEEP_ALIVE_TIMEOUT_MS: milliseconds(72000),
  HEADERS_TIMEOUT_MS: milliseconds(10000),
  SHUTDOWN_GRACE_MS: milliseconds(10000),
  HANDLER_TIMEOUT_MS: milliseconds(10000),

  TRUST_PROXY: Type.String({ default: '' }),
  CORS_ORIGINS: Type.String({ default: '' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+$' })),

  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, default: 'retail-ops:' }),
  REDIS_COMMAND_TIMEOUT_MS: milliseconds(100),

  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute(120),
  RATE_LIMIT_TENANT_PER_MINUTE: perMinute(6000),
  RATE_LIMIT_USER_PER_MINUTE: perMinute(1200),
  RATE_LIMIT_CREDENTIALS_PER_MINUTE: perMinute(10),

  LOAD_MAX_EVENT_LOOP_DELAY_MS: limit(1000),
  LOAD_MAX_EVENT_LOOP_UTILIZATION: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  LOAD_MAX_HEAP_USED_BYTES: limit(0),
  LOAD_MAX_RSS_BYTES: limit(0),
  // under-pressure samples the event loop every 10 ms: a shorter interval can hold no sample.
  LOAD_SAMPLE_INTERVAL_MS: Type.Integer({ minimum: 100, default: 1000 }),

  METRICS_ENABLED: Type.Boolean({ default: true }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),

  CACHE_TTL_SECONDS: Type.Integer({ minimum: 0, maximum: 86400, default: 30 }),
  CACHE_MAX_BYTES: Type.Integer({ minimum: 1024, default: 67108864 }),

  WEBHOOKS_ENABLED: Type.Boolean({ default: true }),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Type.Boolean({ default: false }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 5000 }),
  WEBHOOK_POLL_MS: Type.Integer({ minimum: 10, default: 1000 }),
  WEBHOOK_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
  WEBHOOK_RETRY_BASE_MS: Type.Integer({ minimum: 1, default: 10000 }),

  GRAPHQL_ENABLED: Type.Boolean({ default: true }),
  /** Unset: on in development only. */
  GRAPHQL_GRAPHIQL: Type.Optional(Type.Boolean()),
  /** Unset: off in production (the schema is published as schema.graphql), on otherwise. */
  GRAPHQL_INTROSPECTION: Type.Optional(Type.Boolean()),
  GRAPHQL_MAX_DEPTH: Type.Integer({ minimum: 2, maximum: 50, default: 8 }),
  GRAPHQL_MAX_ALIASES: Type.Integer({ minimum: 0, maximum: 1000, default: 20 }),
  GRAPHQL_MAX_COST: Type.Integer({ minimum: 1, default: 10000 }),
  GRAPHQL_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 65536 }),

  EVENTS_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 7 }),
  EVENTS_POLL_MS: Type.Integer({ minimum: 100, default: 5000 }),
  STREAM_HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 15000 }),
  STREAM_MAX_QUEUE_BYTES: Type.Integer({ minimum: 1024, default: 1048576 })
}, { additionalProperties: true })

export type RawConfig = Static<typeof ConfigSchema>

/** Fastify's `trustProxy`: off, a number of hops, or the addresses/CIDRs of trusted proxies. */
export type TrustProxy = false | number | string[]

export interface Config extends Omit<RawConfig, 'JWT_SECRET' | 'TRUST_PROXY' | 'CORS_ORIGINS' | 'GRAPHQL_GRAPHIQL' | 'GRAPHQL_INTROSPECTION'> {
  JWT_SECRET: string
  GRAPHQL_GRAPHIQL: boolean
  GRAPHQL_INTROSPECTION: boolean
  TRUST_PROXY: TrustProxy
  /** Origins allowed to call the API from a browser; empty: no cross-origin access. `*` allows any. */
  CORS_ORIGINS: string[]
}

export interface LoadedConfig {
  config: Config
  /** Things worth a warning once a logger exists (e.g. a generated development secret). */
  warnings: string[]
}

export class ConfigError extends Error {}

/**
 * Ajv (already loaded for request validation) converts the text of environment variables
 * (`'8080'` to 8080, `'false'` to false) and fills in defaults; TypeBox's own compiler and value
 * modules would add about 13 MB to the resident size of every process for this one call.
 */
const checker = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false, strict: false }).compile<RawConfig>(ConfigSchema)

/** Keeps only the variables the schema knows, and drops empty strings so defaults apply. */
function pickKnown (env: Record<string, string | undefined>): Record<string, string> {
  const known: Record<string, string> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') known[key] = value
  }
  return known
}

/**
 * Reads and validates configuration. Throws a ConfigError whose message is one line naming the
 * variable and what is wrong with it.
 */
export function loadConfig (env: Record<string, string | undefined> = process.env): LoadedConfig {
  const input: Record<string, unknown> = pickKnown(env)
  const firstError = checker(input) ? undefined : checker.errors?.[0]
  if (firstError !== undefined && firstError !== null) {
    const variable = firstError.instancePath.replace(/^\//, '') ||
      String((firstError.params as { requiredProperties?: string[] }).requiredProperties?.[0] ?? 'configuration')
    const allowed = (firstError.params as { allowedValues?: unknown[] }).allowedValues
    const hint = allowed === undefined ? '' : ` (${allowed.join(', ')})`
    throw new ConfigError(`Invalid configuration: ${variable} ${firstError.message}${hint}`)
  }
  const raw = input as unknown as RawConfig
  const warnings: string[] = []

  if (raw.NODE_ENV === 'production') {
    if (raw.DATABASE_URL === undefined) throw new ConfigError('Invalid configuration: DATABASE_URL is required when NODE_ENV=production')
    if (raw.JWT_SECRET === undefined) throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production')
    // Metrics name routes, tenants' traffic and internals: never public in production.
    if (raw.METRICS_ENABLED && raw.METRICS_TOKEN === undefined) {
      throw new ConfigError('Invalid configuration: METRICS_TOKEN (16+ characters) is required when NODE_ENV=production, so /metrics is not public; or set METRICS_ENABLED=false')
    }
  }

  let jwtSecret = raw.JWT_SECRET
  if (jwtSecret === undefined) {
    jwtSecret = randomBytes(48).toString('base64url')
    warnings.push('JWT_SECRET is not set: using a random secret for this process, so tokens will not survive a restart')
  }

  if (raw.DB_STATEMENT_TIMEOUT_MS >= raw.HANDLER_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration: DB_STATEMENT_TIMEOUT_MS must be less than HANDLER_TIMEOUT_MS, so a slow query is cancelled before its request times out')
  }

  const trustProxy = parseTrustProxy(raw.TRUST_PROXY)
  if (typeof trustProxy === 'number') {
    warnings.push('TRUST_PROXY is a hop count: X-Forwarded-For is trusted from whoever connects, so only use it when clients cannot reach the service except through the proxies; prefer their addresses or CIDRs')
  }

  return {
    config: {
      ...raw,
      JWT_SECRET: jwtSecret,
      TRUST_PROXY: trustProxy,
      CORS_ORIGINS: parseOrigins(raw.CORS_ORIGINS),
      GRAPHQL_GRAPHIQL: raw.GRAPHQL_GRAPHIQL ?? raw.NODE_ENV === 'development',
      GRAPHQL_INTROSPECTION: raw.GRAPHQL_INTROSPECTION ?? raw.NODE_ENV !== 'production'
    },
    warnings
  }
}

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY beside addresses and CIDRs. */
const proxyRangeNames = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * TRUST_PROXY: empty or `false` (X-Forwarded-For is ignored), a number of proxy hops in front of
 * the service, or a comma-separated list of proxy addresses or CIDRs. `true` (trust any sender of
 * the header) is refused: it would let every client choose its own address.
 */
function parseTrustProxy (value: string): TrustProxy {
  const text = value.trim()
  if (text === '' || text === 'false' || text === '0') return false
  if (/^\d+$/.test(text)) return Number(text)
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
  for (const entry of entries) {
    if (!isAddressOrCidr(entry) && !proxyRangeNames.has(entry)) {
      throw new ConfigError(`Invalid configuration: TRUST_PROXY must be a number of hops or a comma-separated list of proxy addresses or CIDRs (got "${entry}")`)
    }
  }
  return entries
}

function isAddressOrCidr (entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)
}

/** CORS_ORIGINS: comma-separated origins (`https://app.example.com`), or `*` for any origin. */
function parseOrigins (value: string): string[] {
  const origins = value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '')
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`Invalid configuration: CORS_ORIGINS must list origins like https://app.example.com, without a path (got "${origin}")`)
    }
  }
  return origins
}
