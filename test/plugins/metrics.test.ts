import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp } from '#src/app.js'
import { testConfig, useTestApp } from '../helpers/app.js'
import { insertTenant, tokenFor, uniqueIp } from '../helpers/rate-limit.js'

/** The value of one sample line, e.g. `cache_hits_total{cache="products"}`. */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics', () => {
  const context = useTestApp({
    env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1' },
    configure: (app) => {
      app.get('/probe/slow', { config: { operational: true } }, async () => {
        await sleep(300)
        return { data: null, error: null }
      })
    }
  })
  const scrape = async () => {
    const response = await context.app.inject('/metrics')
    assert.equal(response.statusCode, 200)
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/)
    return response.body
  }

  test('exposes every series in Prometheus text format', async () => {
    const tenantId = await insertTenant(context.app)
    assert.equal((await context.app.inject({ url: `/api/v1/tenants/${tenantId}`, headers: await tokenFor(context.app, tenantId) })).statusCode, 200)
    const ip = uniqueIp()
    await context.app.inject({ url: '/no/such/route', remoteAddress: ip })
    assert.equal((await context.app.inject({ url: '/no/such/route', remoteAddress: ip })).statusCode, 429)
    context.app.metrics.cache.hit('products')
    context.app.metrics.cache.hit('products')
    context.app.metrics.cache.miss('products')

    const text = await scrape()
    const duration = 'http_request_duration_seconds_count{method="GET",route="/api/v1/tenants/:tenant_id",status_code="200"}'
    assert.equal(sample(text, duration), 1)
    assert.equal(sample(text, 'http_request_duration_seconds_count{method="GET",route="__unmatched__",status_code="429"}'), 1)
    assert.equal(sample(text, 'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/tenants/:tenant_id",status_code="200"}'), 1)
    assert.doesNotMatch(text, new RegExp(tenantId), 'raw URLs never become labels')
    assert.doesNotMatch(text, /no\/such\/route/)
    // The scrape itself is in flight while it is answered.
    assert.equal(sample(text, 'http_requests_in_flight'), 1)
    assert.ok(sample(text, 'db_pool_connections')! >= 1)
    assert.ok(sample(text, 'db_pool_idle_connections')! >= 1)
    assert.equal(sample(text, 'db_pool_waiting_clients'), 0)
    assert.equal(sample(text, 'rate_limit_rejections_total{scope="anonymous"}'), 1)
    assert.equal(sample(text, 'rate_limit_store_failures_total'), 0)
    assert.equal(sample(text, 'cache_hits_total{cache="products"}'), 2)
    assert.equal(sample(text, 'cache_misses_total{cache="products"}'), 1)
    for (const series of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
      assert.ok(sample(text, series) !== undefined, `${series} is exposed`)
    }
  })

  test('the in-flight gauge comes back down, also when the client goes away before the answer', async () => {
    await context.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = context.app.server.address() as AddressInfo
    const request = http.get({ host: '127.0.0.1', port, path: '/probe/slow' })
    request.on('error', () => {})
    await sleep(100)
    assert.equal(sample(await scrape(), 'http_requests_in_flight'), 2)
    request.destroy()
    await sleep(50)
    assert.equal(sample(await scrape(), 'http_requests_in_flight'), 1)
    await sleep(300)
    assert.equal(sample(await scrape(), 'http_requests_in_flight'), 1)
  })

  test('is not in the OpenAPI document', async () => {
    const response = await context.app.inject({ url: '/openapi.json', remoteAddress: uniqueIp() })
    const document = response.json()
    assert.equal(document.paths['/metrics'], undefined)
  })
})

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdef'
  const appPromise = buildApp(testConfig('postgres://postgres@127.0.0.1:1/unused', { METRICS_TOKEN: token }), { logger: false })
  after(async () => { await (await appPromise).close() })

  test('needs the token as a bearer token; a missing or wrong one is 401 in the envelope', async () => {
    const app = await appPromise
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`]) {
      const response = await app.inject({ url: '/metrics', headers: authorization === undefined ? {} : { authorization } })
      assert.equal(response.statusCode, 401)
      assert.equal(response.json().error.code, 'UNAUTHORIZED')
    }
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })
    assert.equal(ok.statusCode, 200)
    assert.match(ok.body, /http_request_duration_seconds/)
  })

  test('each app has its own registry: two apps in one process do not clash', async () => {
    const other = await buildApp(testConfig('postgres://postgres@127.0.0.1:1/unused'), { logger: false })
    try {
      await other.inject('/health')
      const text = (await other.inject('/metrics')).body
      assert.equal(sample(text, 'http_request_duration_seconds_count{method="GET",route="/health",status_code="200"}'), 1)
    } finally {
      await other.close()
    }
  })
})
