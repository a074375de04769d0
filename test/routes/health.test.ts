import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildApp } from '#src/app.js'
import { testConfig, useTestApp } from '../helpers/app.js'

describe('GET /health and GET /ready', () => {
  const context = useTestApp()

  test('/health answers 200 without touching the database', async () => {
    const response = await context.app.inject('/health')
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { data: { status: 'ok' }, error: null })
  })

  test('/ready answers 200 when the database answers, and says whether Redis is there', async () => {
    const response = await context.app.inject('/ready')
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { data: { status: 'ok', database: 'ok', redis: 'not_configured' }, error: null })
  })
})

describe('GET /ready with the database down', () => {
  // Nothing listens on port 1: the pool fails to connect, as it does when PostgreSQL is stopped.
  const appPromise = buildApp(testConfig('postgres://postgres@127.0.0.1:1/none', { DB_CONNECTION_TIMEOUT_MS: '300', DB_READY_TIMEOUT_MS: '500' }), { logger: false })
  after(async () => { await (await appPromise).close() })

  test('/ready is 503 DATABASE_UNAVAILABLE with Retry-After, /health stays 200', async () => {
    const app = await appPromise
    const ready = await app.inject('/ready')
    assert.equal(ready.statusCode, 503)
    assert.equal(ready.json().error.code, 'DATABASE_UNAVAILABLE')
    assert.ok(Number(ready.headers['retry-after']) > 0)
    assert.equal((await app.inject('/health')).statusCode, 200)
  })
})
