import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp, migratedDatabase, useTestApp, type TestDatabase } from '../helpers/app.js'
import { uniqueEmail } from '../helpers/identity.js'
import { describeWithRedis, insertTenant, redisUrl, storeEnv, tokenFor, uniqueIp, uniquePrefix } from '../helpers/rate-limit.js'

const limits = {
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3',
  RATE_LIMIT_USER_PER_MINUTE: '3',
  RATE_LIMIT_TENANT_PER_MINUTE: '4',
  RATE_LIMIT_CREDENTIALS_PER_MINUTE: '2'
}

function assertLimited (response: LightMyRequestResponse, limit: number, remaining: number): void {
  assert.equal(response.statusCode < 400, true, response.body)
  assert.equal(response.headers['x-ratelimit-limit'], String(limit))
  assert.equal(response.headers['x-ratelimit-remaining'], String(remaining))
  const reset = Number(response.headers['x-ratelimit-reset'])
  assert.ok(reset > 0 && reset <= 60, `reset ${reset}`)
}

function assertRejected (response: LightMyRequestResponse, limit: number): void {
  assert.equal(response.statusCode, 429, response.body)
  const body = response.json()
  assert.equal(body.data, null)
  assert.equal(body.error.code, 'RATE_LIMITED')
  assert.equal(body.error.request_id, response.headers['x-request-id'])
  assert.equal(response.headers['x-ratelimit-limit'], String(limit))
  assert.equal(response.headers['x-ratelimit-remaining'], '0')
  const retryAfter = Number(response.headers['retry-after'])
  assert.ok(retryAfter > 0 && retryAfter <= 60, `retry-after ${retryAfter}`)
  assert.equal(response.headers['x-ratelimit-reset'], response.headers['retry-after'])
}

describe(`rate limits (${redisUrl === undefined ? 'in-memory store' : 'Redis store'})`, () => {
  const context = useTestApp({ env: { ...limits, ...storeEnv() } })
  const logout = (remoteAddress: string, headers: Record<string, string> = {}) =>
    context.app.inject({ method: 'POST', url: '/api/v1/auth/logout', remoteAddress, headers, payload: { refresh_token: 'unknown-token' } })
  const getTenant = (tenantId: string, headers: { authorization: string }) =>
    context.app.inject({ url: `/api/v1/tenants/${tenantId}`, headers, remoteAddress: uniqueIp() })

  test('anonymous requests: a budget per client IP, with headers, then 429 RATE_LIMITED', async () => {
    const ip = uniqueIp()
    for (const remaining of [2, 1, 0]) assertLimited(await logout(ip), 3, remaining)
    assertRejected(await logout(ip), 3)
    assertLimited(await logout(uniqueIp()), 3, 2)
    // Unmatched routes count too; health, readiness and metrics never do.
    assertRejected(await context.app.inject({ url: '/no/such/route', remoteAddress: ip }), 3)
    for (const url of ['/health', '/ready', '/metrics']) {
      const response = await context.app.inject({ url, remoteAddress: ip })
      assert.equal(response.statusCode, 200, url)
      assert.equal(response.headers['x-ratelimit-limit'], undefined, url)
    }
  })

  test('authenticated requests use the user and tenant budgets, not the IP budget', async () => {
    const tenantId = await insertTenant(context.app)
    const first = await tokenFor(context.app, tenantId)
    const ip = uniqueIp()
    // The tightest budget is reported: the user's (3) until the tenant's (4) runs lower.
    for (const remaining of [2, 1, 0]) assertLimited(await context.app.inject({ url: `/api/v1/tenants/${tenantId}`, headers: first, remoteAddress: ip }), 3, remaining)
    const userRejected = await getTenant(tenantId, first)
    assertRejected(userRejected, 3)
    assert.match(userRejected.json().error.message, /user/)

    // A rejected request does not use up the tenant's budget: a second user gets its last request.
    const second = await tokenFor(context.app, tenantId)
    assertLimited(await getTenant(tenantId, second), 4, 0)
    const tenantRejected = await getTenant(tenantId, second)
    assertRejected(tenantRejected, 4)
    assert.match(tenantRejected.json().error.message, /tenant/)

    // The IP these came from still has its whole anonymous budget.
    assertLimited(await logout(ip), 3, 2)
  })

  test("tenants never share budgets, and a tenant's plan in the database sets its budget", async () => {
    const busy = await insertTenant(context.app)
    for (let i = 0; i < 4; i++) await getTenant(busy, await tokenFor(context.app, busy))
    assertRejected(await getTenant(busy, await tokenFor(context.app, busy)), 4)

    const other = await insertTenant(context.app)
    for (let i = 0; i < 4; i++) assert.equal((await getTenant(other, await tokenFor(context.app, other))).statusCode, 200)

    const premium = await insertTenant(context.app, 10)
    for (let i = 0; i < 10; i++) assert.equal((await getTenant(premium, await tokenFor(context.app, premium))).statusCode, 200)
    assertRejected(await getTenant(premium, await tokenFor(context.app, premium)), 10)

    const small = await insertTenant(context.app, 2)
    assertLimited(await getTenant(small, await tokenFor(context.app, small)), 2, 1)
    assertLimited(await getTenant(small, await tokenFor(context.app, small)), 2, 0)
    assertRejected(await getTenant(small, await tokenFor(context.app, small)), 2)
  })

  test('a token for another tenant still counts against its own tenant (from the token), then 403', async () => {
    const mine = await insertTenant(context.app, 2)
    const theirs = await insertTenant(context.app)
    const token = await tokenFor(context.app, mine)
    const mismatch = await getTenant(theirs, token)
    assert.equal(mismatch.statusCode, 403)
    assert.equal(mismatch.headers['x-ratelimit-remaining'], '1')
    assertLimited(await getTenant(mine, await tokenFor(context.app, mine)), 2, 0)
    assertRejected(await getTenant(theirs, token), 2)
  })

  test('login, register and refresh: a tight budget per IP and credential (email trimmed, any case)', async () => {
    const email = uniqueEmail('stuffing')
    const login = (address: string, body: object) => context.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: address, payload: body })

    const ip = uniqueIp()
    const first = await login(ip, { email, password: 'wrong-password' })
    assert.equal(first.statusCode, 401)
    assert.equal(first.headers['x-ratelimit-limit'], '2')
    assert.equal(first.headers['x-ratelimit-remaining'], '1')
    assert.equal((await login(ip, { email: `  ${email.toUpperCase()} `, password: 'wrong-password' })).statusCode, 401)
    const rejected = await login(ip, { email, password: 'wrong-password' })
    assertRejected(rejected, 2)
    assert.match(rejected.json().error.message, /sign-in/)

    // That email from another IP has a budget of its own.
    assert.equal((await login(uniqueIp(), { email, password: 'wrong-password' })).statusCode, 401)
    // Other emails from one IP too, but the IP budget (3 a minute) caps them all: credential stuffing.
    const stuffer = uniqueIp()
    for (let i = 0; i < 3; i++) assert.equal((await login(stuffer, { email: uniqueEmail('list'), password: 'wrong-password' })).statusCode, 401)
    assertRejected(await login(stuffer, { email: uniqueEmail('list'), password: 'wrong-password' }), 3)

    // A body that fails validation never reaches the credential budget (it runs at preHandler).
    const registerIp = uniqueIp()
    const register = (password: string) => context.app.inject({ method: 'POST', url: '/api/v1/auth/register', remoteAddress: registerIp, payload: { email, password, name: 'N', tenant_name: 'T' } })
    assert.equal((await register('short')).statusCode, 422)
    assert.equal((await register('short')).statusCode, 422)
    const registered = await register('long enough password')
    assert.equal(registered.statusCode, 201, registered.body)
    assert.equal(registered.headers['x-ratelimit-remaining'], '0')

    const refreshIp = uniqueIp()
    const refresh = () => context.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', remoteAddress: refreshIp, headers: { authorization: 'Bearer not-a-token' }, payload: { refresh_token: 'stolen-token' } })
    assert.equal((await refresh()).statusCode, 401)
    assert.equal((await refresh()).statusCode, 401)
    assertRejected(await refresh(), 2)
  })
})

describe('the client IP behind a proxy', () => {
  let database: TestDatabase
  const apps: FastifyInstance[] = []
  before(async () => { database = await migratedDatabase() })
  after(async () => {
    for (const app of apps) await app.close()
    await database.drop()
  })
  const build = async (env: Record<string, string>) => {
    const app = await buildTestApp(database, { env: { ...limits, ...storeEnv(), ...env } })
    apps.push(app)
    return app
  }
  const spoofed = (app: FastifyInstance, remoteAddress: string, forwardedFor: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/logout', remoteAddress, headers: { 'x-forwarded-for': forwardedFor }, payload: { refresh_token: 'x' } })

  test('without TRUST_PROXY, X-Forwarded-For is ignored: a client cannot pick its bucket', async () => {
    const app = await build({})
    const ip = uniqueIp()
    for (let i = 0; i < 3; i++) assert.equal((await spoofed(app, ip, uniqueIp())).statusCode, 204)
    assertRejected(await spoofed(app, ip, uniqueIp()), 3)
  })

  test('with TRUST_PROXY set to the proxies, their X-Forwarded-For is honoured, and nobody else\'s', async () => {
    const app = await build({ TRUST_PROXY: '10.250.0.0/16, 10.251.0.1' })
    const client = uniqueIp()
    assertLimited(await spoofed(app, '10.250.3.4', client), 3, 2)
    assertLimited(await spoofed(app, '10.251.0.1', client), 3, 1)
    assertLimited(await spoofed(app, '10.250.0.9', client), 3, 0)
    assertRejected(await spoofed(app, '10.250.3.4', `${uniqueIp()}, ${client}`), 3)
    // Each client behind the proxy has its own budget.
    assertLimited(await spoofed(app, '10.250.3.4', uniqueIp()), 3, 2)
    // A direct client that is not a trusted proxy cannot choose its address.
    const direct = uniqueIp()
    for (let i = 0; i < 3; i++) await spoofed(app, direct, uniqueIp())
    assertRejected(await spoofed(app, direct, uniqueIp()), 3)
  })

  test('TRUST_PROXY as a hop count takes the address the nearest proxy saw', async () => {
    const app = await build({ TRUST_PROXY: '1' })
    const client = uniqueIp()
    for (let i = 0; i < 3; i++) await spoofed(app, '10.252.0.1', `${uniqueIp()}, ${client}`)
    assertRejected(await spoofed(app, '10.252.0.2', `${uniqueIp()}, ${client}`), 3)
  })
})

describeWithRedis('two instances sharing one Redis', () => {
  let database: TestDatabase
  const apps: FastifyInstance[] = []
  before(async () => {
    database = await migratedDatabase()
    const env = { ...limits, RATE_LIMIT_USER_PER_MINUTE: '100', ...storeEnv(uniquePrefix()) }
    apps.push(await buildTestApp(database, { env }), await buildTestApp(database, { env }))
  })
  after(async () => {
    for (const app of apps) await app.close()
    await database.drop()
  })

  test("share a tenant's budget", async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance]
    const tenantId = await insertTenant(a)
    const headers = await tokenFor(a, tenantId)
    const get = async (app: FastifyInstance) => await app.inject({ url: `/api/v1/tenants/${tenantId}`, headers })
    assertLimited(await get(a), 4, 3)
    assertLimited(await get(b), 4, 2)
    assertLimited(await get(a), 4, 1)
    assertLimited(await get(b), 4, 0)
    assertRejected(await get(a), 4)
    assertRejected(await get(b), 4)
  })
})
