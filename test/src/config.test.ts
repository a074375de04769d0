import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError, loadConfig } from '#src/config.js'

test('defaults apply when nothing is set, with a warning for the generated development secret', () => {
  const { config, warnings } = loadConfig({})
  assert.equal(config.PORT, 3000)
  assert.equal(config.HOST, '127.0.0.1')
  assert.equal(config.NODE_ENV, 'development')
  assert.ok(config.JWT_SECRET.length >= 32)
  assert.equal(warnings.length, 1)
  assert.match(warnings[0]!, /JWT_SECRET/)
})

test('values are converted from text and validated', () => {
  const { config } = loadConfig({ PORT: '8080', DB_POOL_MAX: '5', LOG_LEVEL: 'debug', JWT_SECRET: 's'.repeat(32) })
  assert.equal(config.PORT, 8080)
  assert.equal(config.DB_POOL_MAX, 5)
  assert.equal(config.LOG_LEVEL, 'debug')
})

test('a bad value fails with one line naming the variable and the problem', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be integer$/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT must be <= 65535$/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL .*\(fatal, error, warn, info, debug, trace, silent\)$/],
    [{ JWT_SECRET: 'too-short' }, /^Invalid configuration: JWT_SECRET .*32/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /^Invalid configuration: DATABASE_URL /]
  ]
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (error: Error) => error instanceof ConfigError && message.test(error.message) && !error.message.includes('\n'))
  }
})

test('production requires a database URL, a JWT secret and a metrics token (unless metrics are off)', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app', JWT_SECRET: 's'.repeat(32), METRICS_TOKEN: 'm'.repeat(16) }
  assert.throws(() => loadConfig({ ...production, DATABASE_URL: undefined }), /DATABASE_URL is required/)
  assert.throws(() => loadConfig({ ...production, JWT_SECRET: undefined }), /JWT_SECRET is required/)
  assert.throws(() => loadConfig({ ...production, METRICS_TOKEN: undefined }), /METRICS_TOKEN \(16\+ characters\) is required when NODE_ENV=production/)
  assert.throws(() => loadConfig({ ...production, METRICS_TOKEN: 'short' }), /METRICS_TOKEN/)
  assert.equal(loadConfig({ ...production, METRICS_TOKEN: undefined, METRICS_ENABLED: 'false' }).config.METRICS_ENABLED, false)
  const { warnings } = loadConfig(production)
  assert.deepEqual(warnings, [])
})

test('empty strings count as unset', () => {
  assert.equal(loadConfig({ PORT: '', DATABASE_URL: '' }).config.DATABASE_URL, undefined)
})

test('TRUST_PROXY: off by default, a hop count, or proxy addresses and CIDRs; `true` is refused', () => {
  assert.equal(loadConfig({}).config.TRUST_PROXY, false)
  assert.equal(loadConfig({ TRUST_PROXY: 'false' }).config.TRUST_PROXY, false)
  const hops = loadConfig({ TRUST_PROXY: '2', JWT_SECRET: 's'.repeat(32) })
  assert.equal(hops.config.TRUST_PROXY, 2)
  assert.match(hops.warnings.join('\n'), /TRUST_PROXY is a hop count/)
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8, loopback' }).config.TRUST_PROXY, ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback'])
  for (const bad of ['true', '10.0.0.0/33', 'proxy.internal', '10.0.0/8']) {
    assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /Invalid configuration: TRUST_PROXY /, bad)
  }
})

test('CORS_ORIGINS: a comma-separated list of origins, or *', () => {
  assert.deepEqual(loadConfig({}).config.CORS_ORIGINS, [])
  assert.deepEqual(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).config.CORS_ORIGINS, ['https://app.example.com', 'http://localhost:5173'])
  assert.deepEqual(loadConfig({ CORS_ORIGINS: '*' }).config.CORS_ORIGINS, ['*'])
  assert.throws(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' }), /CORS_ORIGINS/)
  assert.throws(() => loadConfig({ CORS_ORIGINS: 'app.example.com' }), /CORS_ORIGINS/)
})

test('rate limits, Redis and load limits have defaults and are validated', () => {
  const { config } = loadConfig({})
  assert.equal(config.RATE_LIMIT_ENABLED, true)
  assert.equal(config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, 120)
  assert.equal(config.REDIS_URL, undefined)
  assert.equal(loadConfig({ RATE_LIMIT_ENABLED: 'false' }).config.RATE_LIMIT_ENABLED, false)
  assert.throws(() => loadConfig({ RATE_LIMIT_TENANT_PER_MINUTE: '0' }), /RATE_LIMIT_TENANT_PER_MINUTE/)
  assert.throws(() => loadConfig({ REDIS_URL: 'http://cache:6379' }), /REDIS_URL/)
  assert.throws(() => loadConfig({ LOAD_MAX_EVENT_LOOP_UTILIZATION: '1.5' }), /LOAD_MAX_EVENT_LOOP_UTILIZATION/)
  assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN/)
})

test('the statement timeout must be shorter than the handler timeout', () => {
  assert.throws(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '10000', HANDLER_TIMEOUT_MS: '10000' }), /DB_STATEMENT_TIMEOUT_MS must be less than HANDLER_TIMEOUT_MS/)
  assert.equal(loadConfig({ DB_STATEMENT_TIMEOUT_MS: '2000', HANDLER_TIMEOUT_MS: '3000' }).config.HANDLER_TIMEOUT_MS, 3000)
})

test('every variable the configuration reads is documented in the README and .env.example', async () => {
  const { readFile } = await import('node:fs/promises')
  const read = async (file: string) => await readFile(new URL(`../../${file}`, import.meta.url), 'utf8')
  const [source, readme, example] = await Promise.all([read('src/config.ts'), read('README.md'), read('.env.example')])
  const variables = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!)
  assert.ok(variables.length > 20, `found ${variables.length} variables in src/config.ts`)
  assert.deepEqual(variables.filter((name) => !readme.includes(`\`${name}\``) && !readme.includes(`${name}\` /`) && !readme.includes(`/ \`${name}`)), [], 'missing from the README configuration table')
  assert.deepEqual(variables.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example)), [], 'missing from .env.example')
})
