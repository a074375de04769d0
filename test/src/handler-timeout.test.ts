import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { useTestApp } from '../helpers/app.js'

/** Test-only routes that hold a pool connection longer than the limits allow. */
function addSlowRoutes (app: FastifyInstance): void {
  app.get('/probe/slow-query', async () => {
    await sql`select pg_sleep(3)`.execute(app.db)
    return { data: null, error: null }
  })
  // Each query is under the statement timeout; together they are over the handler timeout.
  app.get('/probe/slow-handler', async () => {
    for (let i = 0; i < 3; i++) await sql`select pg_sleep(0.25)`.execute(app.db)
    return { data: null, error: null }
  })
  app.get('/probe/query', async () => {
    await sql`select 1`.execute(app.db)
    return { data: 'ok', error: null }
  })
}

describe('request and statement timeouts', () => {
  // One pool connection: if a slow request kept it, the next query would wait for it.
  const context = useTestApp({ env: { DB_POOL_MAX: '1', DB_STATEMENT_TIMEOUT_MS: '300', HANDLER_TIMEOUT_MS: '600', DB_CONNECTION_TIMEOUT_MS: '2000' }, configure: addSlowRoutes })

  async function assertPoolFree (): Promise<void> {
    const pool = context.app.pgPool
    assert.equal(pool.waitingCount, 0)
    assert.equal(pool.idleCount, pool.totalCount, 'every connection is back in the pool')
    const started = performance.now()
    const next = await context.app.inject('/probe/query')
    assert.equal(next.statusCode, 200)
    assert.ok(performance.now() - started < 200, 'the next query did not wait for a connection')
  }

  test('a query over DB_STATEMENT_TIMEOUT_MS is cancelled: 503, and its connection is returned', async () => {
    const started = performance.now()
    const response = await context.app.inject('/probe/slow-query')
    const elapsed = performance.now() - started
    assert.equal(response.statusCode, 503)
    assert.equal(response.json().error.code, 'SERVICE_UNAVAILABLE')
    assert.ok(Number(response.headers['retry-after']) > 0)
    assert.ok(elapsed >= 280 && elapsed < 600, `answered after ${elapsed} ms`)
    await assertPoolFree()
  })

  test('a handler over HANDLER_TIMEOUT_MS answers 503 at the limit; its last query ends by the statement timeout', async () => {
    const started = performance.now()
    const response = await context.app.inject('/probe/slow-handler')
    const elapsed = performance.now() - started
    assert.equal(response.statusCode, 503)
    const body = response.json()
    assert.equal(body.error.code, 'SERVICE_UNAVAILABLE')
    assert.equal(body.error.request_id, response.headers['x-request-id'])
    assert.ok(Number(response.headers['retry-after']) > 0)
    assert.ok(elapsed >= 580 && elapsed < 740, `answered after ${elapsed} ms`)
    // The handler's query in flight finishes (at most the statement timeout later) and frees its connection.
    await sleep(350)
    await assertPoolFree()
  })
})
