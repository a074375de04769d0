import { randomBytes } from 'node:crypto'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'

const port = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65535, default: fallback })
const milliseconds = (fallback: number) => Type.Integer({ minimum: 1, default: fallback })

/**
 * Every environment variable the service reads, with its default. This is the only place that
 * knows about `process.env`; the rest of the code receives a typed `Config`.
 */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: port(3000),
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
  SHUTDOWN_GRACE_MS: milliseconds(10000)
}, { additionalProperties: true })

export type RawConfig = Static<typeof ConfigSchema>

export interface Config extends Omit<RawConfig, 'JWT_SECRET'> {
  JWT_SECRET: string
}

export interface LoadedConfig {
  config: Config
  /** Things worth a warning once a logger exists (e.g. a generated development secret). */
  warnings: string[]
}

export class ConfigError extends Error {}

const checker = Compile(ConfigSchema)

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
  const input = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, pickKnown(env)))
  const [firstError] = checker.Errors(input)
  if (firstError !== undefined) {
    const variable = firstError.instancePath.replace(/^\//, '') ||
      String((firstError.params as { requiredProperties?: string[] }).requiredProperties?.[0] ?? 'configuration')
    const allowed = (firstError.params as { allowedValues?: unknown[] }).allowedValues
    const hint = allowed === undefined ? '' : ` (${allowed.join(', ')})`
    throw new ConfigError(`Invalid configuration: ${variable} ${firstError.message}${hint}`)
  }
  const raw = input as RawConfig
  const warnings: string[] = []

  if (raw.NODE_ENV === 'production') {
    if (raw.DATABASE_URL === undefined) throw new ConfigError('Invalid configuration: DATABASE_URL is required when NODE_ENV=production')
    if (raw.JWT_SECRET === undefined) throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production')
  }

  let jwtSecret = raw.JWT_SECRET
  if (jwtSecret === undefined) {
    jwtSecret = randomBytes(48).toString('base64url')
    warnings.push('JWT_SECRET is not set: using a random secret for this process, so tokens will not survive a restart')
  }

  return { config: { ...raw, JWT_SECRET: jwtSecret }, warnings }
}
