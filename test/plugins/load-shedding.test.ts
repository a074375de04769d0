import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp } from '#src/app.js'
import { testConfig } from '../helpers/app.js'

describe('load shedding', () => {
  // Any heap is over a 1-byte limit: the app is under pressure from its first sample on.
  const appPromise = buildApp(testConfig('postgres://postgres@127.0.0.1:1/unused', { LOAD_MAX_HEAP_USED_BYTES: '1', LOAD_SAMPLE_INTERVAL_MS: '100' }), { logger: false })
  after(async () => { await (await appPromise).close() })

  test('under pressure, requests get 503 SERVICE_UNAVAILABLE with Retry-After in the envelope', async () => {
    const app = await appPromise
    await app.ready()
    await sleep(250)
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.co', password: 'x' } })
    assert.equal(response.statusCode, 503)
    const body = response.json()
    assert.equal(body.error.code, 'SERVICE_UNAVAILABLE')
    assert.equal(body.error.request_id, response.headers['x-request-id'])
    assert.ok(Number(response.headers['retry-after']) > 0)
  })

  test('/ready reports it; /health and /metrics keep answering', async () => {
    const app = await appPromise
    const ready = await app.inject('/ready')
    assert.equal(ready.statusCode, 503)
    assert.equal(ready.json().error.message, 'The server is overloaded.')
    assert.equal((await app.inject('/health')).statusCode, 200)
    const metrics = await app.inject('/metrics')
    assert.equal(metrics.statusCode, 200)
    // Shed requests are measured, and counted out of flight as well as in.
    assert.match(metrics.body, /^http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/auth\/login",status_code="503"\} 1$/m)
    assert.match(metrics.body, /^http_requests_in_flight 1$/m)
  })
})

describe('below the limits', () => {
  const appPromise = buildApp(testConfig('postgres://postgres@127.0.0.1:1/unused', { LOAD_MAX_HEAP_USED_BYTES: String(64 * 2 ** 30), LOAD_SAMPLE_INTERVAL_MS: '100' }), { logger: false })
  after(async () => { await (await appPromise).close() })

  test('requests are served', async () => {
    const app = await appPromise
    await sleep(250)
    assert.equal(app.isUnderPressure(), false)
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: {} })).statusCode, 422)
  })
})
