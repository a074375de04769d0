import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError, loadConfig } from '../../src/config.js'

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

test('production requires a database URL and a JWT secret', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) }), /DATABASE_URL is required/)
  assert.throws(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app' }), /JWT_SECRET is required/)
  const { warnings } = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/app', JWT_SECRET: 's'.repeat(32) })
  assert.deepEqual(warnings, [])
})

test('empty strings count as unset', () => {
  assert.equal(loadConfig({ PORT: '', DATABASE_URL: '' }).config.DATABASE_URL, undefined)
})
