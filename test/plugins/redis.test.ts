import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '#src/app.js'
import { migratedDatabase, testConfig, type TestDatabase } from '../helpers/app.js'
import { describeWithRedis, insertTenant, redisUrl, tokenFor, uniquePrefix } from '../helpers/rate-limit.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { createProduct } from '../helpers/catalogue.js'
import { bearer, registerUser } from '../helpers/identity.js'

interface LogLine { level: number, msg: string }

/**
 * Redis is reached through a TCP proxy the test cuts (Redis stopped) or stalls (Redis hanging) and
 * restores, so the machine's Redis keeps running for everyone else.
 */
describeWithRedis('rate limiting while Redis is down or slow', () => {
  let database: TestDatabase
  let proxy: TcpProxy
  const apps: FastifyInstance[] = []

  before(async () => {
    database = await migratedDatabase()
    const target = new URL(redisUrl!)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) })
  })
  after(async () => {
    for (const app of apps) await app.close()
    await proxy.close()
    await database.drop()
  })

  async function build (env: Record<string, string> = {}): Promise<{ app: FastifyInstance, logged: (message: string) => number }> {
    const proxied = new URL(redisUrl!)
    proxied.host = `127.0.0.1:${proxy.port}`
    const config = testConfig(database.url, {
      REDIS_URL: proxied.toString(),
      REDIS_KEY_PREFIX: uniquePrefix(),
      REDIS_COMMAND_TIMEOUT_MS: '50',
      RATE_LIMIT_USER_PER_MINUTE: '1000',
      RATE_LIMIT_TENANT_PER_MINUTE: '1000',
      ...env
    })
    const logs: LogLine[] = []
    const stream = { write: (line: string) => { logs.push(JSON.parse(line) as LogLine) } }
    const app = await buildApp(config, { logger: { level: 'info', stream } })
    apps.push(app)
    // An authenticated route without a query: its time is the framework's plus the limiter's.
    app.get('/probe/limited', { onRequest: app.authenticate }, async () => ({ data: null, error: null }))
    await app.ready()
    return { app, logged: (message) => logs.filter((line) => line.msg === message).length }
  }

  const failures = async (app: FastifyInstance) => {
    const text = (await app.inject('/metrics')).body
    return Number(/^rate_limit_store_failures_total (\d+)/m.exec(text)?.[1])
  }

  async function timed (app: FastifyInstance, url: string, headers: { authorization: string }) {
    const started = performance.now()
    const response = await app.inject({ url, headers })
    return { response, ms: performance.now() - started }
  }

  async function eventually (check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const started = Date.now()
    while (!(await check())) {
      if (Date.now() - started > timeoutMs) assert.fail(`not within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  test('Redis stopped: requests go through unlimited at once, counted and logged once; then it recovers', async () => {
    const { app, logged } = await build()
    const tenantId = await insertTenant(app)
    const url = `/api/v1/tenants/${tenantId}`
    const token = await tokenFor(app, tenantId)

    const baseline: number[] = []
    for (let i = 0; i < 5; i++) {
      const { response, ms } = await timed(app, url, token)
      assert.equal(response.statusCode, 200)
      assert.equal(response.headers['x-ratelimit-remaining'], String(999 - i))
      baseline.push(ms)
    }
    const slowestBaseline = Math.max(...baseline)

    proxy.setMode('refuse')
    for (let i = 0; i < 10; i++) {
      const { response, ms } = await timed(app, url, token)
      assert.equal(response.statusCode, 200, response.body)
      assert.equal(response.headers['x-ratelimit-limit'], undefined, 'no budget to report while the store is down')
      assert.ok(ms < slowestBaseline + 100, `took ${ms} ms with Redis down (baseline ${slowestBaseline} ms)`)
    }
    assert.ok(await failures(app) >= 10)
    assert.equal(logged('rate limiting fails open: its store is unavailable'), 1)

    proxy.setMode('forward')
    await eventually(async () => (await app.inject({ url, headers: token })).headers['x-ratelimit-limit'] === '1000')
    assert.equal(logged('rate limiting store recovered'), 1)
    assert.equal(logged('redis connection restored'), 1)
  })

  test('Redis hanging: one request waits the command timeout (50 ms), the next ones do not ask it', async () => {
    const { app } = await build()
    const token = await tokenFor(app, await insertTenant(app))
    // The limiter's script runs as EVALSHA (EVAL once if Redis lacks it); nothing else on this route uses Redis.
    const checksSent = (): number => proxy.commandsSent('evalsha') + proxy.commandsSent('eval')
    const request = async () => {
      const before = checksSent()
      const { response, ms } = await timed(app, '/probe/limited', token)
      return { response, ms, started: performance.now() - ms, checks: checksSent() - before }
    }
    assert.equal((await request()).response.headers['x-ratelimit-limit'], '1000')

    proxy.setMode('stall')
    const first = await request()
    assert.equal(first.response.statusCode, 200)
    assert.equal(first.checks, 1)
    assert.ok(first.ms >= 45, `took ${first.ms} ms: it waited for the command timeout`)
    assert.equal(first.response.headers['x-ratelimit-limit'], undefined, 'no budget to report while the store hangs')
    // Skipped for a second after the timeout (which came 50 ms or more after the first request
    // started): requests starting within it do not ask Redis, so cannot wait for it.
    for (let i = 0; i < 5; i++) {
      const next = await request()
      assert.equal(next.response.statusCode, 200)
      if (next.started < first.started + 50 + 1000) assert.equal(next.checks, 0, `request ${i} asked the hanging Redis (it took ${next.ms} ms)`)
    }

    proxy.setMode('forward')
    await eventually(async () => (await request()).response.headers['x-ratelimit-limit'] === '1000')
  })

  test('Redis hanging: the response cache skips it after one timeout, writes do not wait, /ready says degraded', async () => {
    // The rate limiter (tested above) is off here, so the only Redis command a write sends is the
    // cache's invalidation (INCR of the tenant's generation).
    const commandTimeoutMs = 200
    const { app } = await build({ CACHE_TTL_SECONDS: '30', REDIS_COMMAND_TIMEOUT_MS: String(commandTimeoutMs), RATE_LIMIT_ENABLED: 'false' })
    const owner = await registerUser(app)
    const product = await createProduct(app, owner)
    const url = `/api/v1/tenants/${owner.tenant.id}/products/${product.id}`
    const read = async () => await timed(app, url, bearer(owner))
    const write = async (name: string) => {
      const invalidationsBefore = proxy.commandsSent('incr')
      const started = performance.now()
      const response = await app.inject({ method: 'PATCH', url, headers: bearer(owner), payload: { name } })
      return { response, started, ms: performance.now() - started, invalidationsSent: proxy.commandsSent('incr') - invalidationsBefore }
    }
    assert.equal((await read()).response.headers['x-cache'], 'MISS')
    assert.equal((await read()).response.headers['x-cache'], 'HIT')
    assert.deepEqual((await app.inject('/ready')).json().data, { status: 'ok', database: 'ok', redis: 'ok' })

    proxy.setMode('stall')
    const first = await write('first while Redis hangs')
    assert.equal(first.response.statusCode, 200, first.response.body)
    assert.equal(first.invalidationsSent, 1)
    assert.ok(first.ms >= commandTimeoutMs * 0.9, `the first write waited ${first.ms} ms for the command timeout`)
    // The store is skipped for a second after the timeout, which came at least commandTimeoutMs
    // after the first write started: a write starting within that second must not ask
    // Redis (so cannot wait for it), whatever the machine's load. A later one may try it again.
    let skippedWrites = 0
    for (let i = 0; i < 5; i++) {
      const next = await write(`write ${i}`)
      assert.equal(next.response.statusCode, 200)
      if (next.started < first.started + commandTimeoutMs + 1000) {
        assert.equal(next.invalidationsSent, 0, `write ${i} asked the hanging Redis (it took ${next.ms} ms)`)
        skippedWrites++
      }
      const fresh = await read()
      assert.equal(fresh.response.json().data.name, `write ${i}`, 'no stale cached read')
      assert.equal(fresh.response.headers['x-cache'], 'MISS')
    }
    assert.ok(skippedWrites > 0, 'at least the write right after the first comes within the second')
    const ready = await app.inject('/ready')
    assert.equal(ready.statusCode, 200)
    assert.deepEqual(ready.json().data, { status: 'degraded', database: 'ok', redis: 'unavailable' })

    proxy.setMode('forward')
    await eventually(async () => (await app.inject('/ready')).json().data.redis === 'ok')
  })

  test('Redis hanging at start-up: the app starts anyway, and uses Redis once it answers', async () => {
    // The client's ready check times out after REDIS_COMMAND_TIMEOUT_MS; were it to wait for
    // Redis, this build would never finish.
    proxy.setMode('stall')
    const { app } = await build()
    const tenantId = await insertTenant(app)
    const token = await tokenFor(app, tenantId)
    const response = await app.inject({ url: `/api/v1/tenants/${tenantId}`, headers: token })
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['x-ratelimit-limit'], undefined)

    proxy.setMode('forward')
    await eventually(async () => (await app.inject({ url: `/api/v1/tenants/${tenantId}`, headers: token })).headers['x-ratelimit-limit'] === '1000')
  })
})
