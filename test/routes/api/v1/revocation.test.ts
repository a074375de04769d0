import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp, migratedDatabase, type TestDatabase } from '#test/helpers/app.js'
import { bearer, login, PASSWORD, registerUser, tenantWithRoles, uniqueEmail, type TestSession } from '#test/helpers/identity.js'
import { uniqueIp } from '#test/helpers/rate-limit.js'

/**
 * Revocation takes effect within a second on every instance: two apps on one database, the
 * change made through one, the old token refused by the other.
 */
describe('revocation across instances', () => {
  let database: TestDatabase
  let first: FastifyInstance
  let second: FastifyInstance
  before(async () => {
    database = await migratedDatabase()
    first = await buildTestApp(database)
    second = await buildTestApp(database)
  })
  after(async () => {
    await first.close()
    await second.close()
    await database.drop()
  })

  const me = async (app: FastifyInstance, session: Pick<TestSession, 'access_token'>): Promise<LightMyRequestResponse> =>
    await app.inject({ url: '/api/v1/me', headers: bearer(session) })

  /** Polls the other instance until the token is refused (at most 2 s); returns how long it took. */
  async function refusedWithin (app: FastifyInstance, session: Pick<TestSession, 'access_token'>, url = '/api/v1/me'): Promise<number> {
    const started = performance.now()
    for (let attempt = 0; attempt < 200; attempt++) {
      const response = await app.inject({ url, headers: bearer(session) })
      if (response.statusCode === 401) {
        assert.equal(response.json().error.code, 'TOKEN_REVOKED')
        const ms = performance.now() - started
        // Shows in the test output (a TAP comment): the figure the README and notes quote.
        console.log(`revocation seen by the other instance after ${ms.toFixed(1)} ms`)
        return ms
      }
      assert.ok(performance.now() - started < 2000, 'still accepted after 2 s')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error('still accepted')
  }

  test('logout: the session\'s access token stops on the other instance within a second', async () => {
    const session = await registerUser(first)
    assert.equal((await me(second, session)).statusCode, 200)
    assert.equal((await first.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: session.refresh_token } })).statusCode, 204)
    assert.equal((await me(first, session)).statusCode, 401, 'the instance that logged out refuses the token at once')
    assert.ok(await refusedWithin(second, session) < 1000)
  })

  test('logout-all and a password change: every other session stops; the caller\'s own keeps working after a password change', async () => {
    const owner = await registerUser(first)
    const other = await login(first, owner.user.email)
    const third = await login(first, owner.user.email)
    for (const session of [owner, other, third]) assert.equal((await me(second, session)).statusCode, 200)

    const changed = await first.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(owner), payload: { current_password: PASSWORD, new_password: 'a new long password' } })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.ok(await refusedWithin(second, other) < 1000)
    assert.ok(await refusedWithin(second, third) < 1000)
    assert.equal((await me(second, owner)).statusCode, 200, 'the session that changed the password goes on')

    assert.equal((await first.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: bearer(owner) })).statusCode, 204)
    assert.ok(await refusedWithin(second, owner) < 1000)
  })

  test('a removed member and a demoted admin lose their access within a second; the demoted one refreshes into the new role', async () => {
    const roles = await tenantWithRoles(first)
    const tenantUrl = `/api/v1/tenants/${roles.owner.tenant.id}`
    for (const session of [roles.member, roles.admin]) assert.equal((await second.inject({ url: tenantUrl, headers: bearer(session) })).statusCode, 200)

    assert.equal((await first.inject({ method: 'DELETE', url: `${tenantUrl}/members/${roles.member.user.id}`, headers: bearer(roles.owner) })).statusCode, 204)
    assert.equal((await first.inject({ url: tenantUrl, headers: bearer(roles.member) })).statusCode, 401, 'the instance that removed the member refuses at once')
    assert.ok(await refusedWithin(second, roles.member, tenantUrl) < 1000)
    const productByRemoved = await second.inject({ method: 'POST', url: `${tenantUrl}/products`, headers: bearer(roles.member), payload: { name: 'x', price_cents: 1, stock: 1, category: 'x' } })
    assert.equal(productByRemoved.statusCode, 401)

    assert.equal((await first.inject({ method: 'PATCH', url: `${tenantUrl}/members/${roles.admin.user.id}`, headers: bearer(roles.owner), payload: { role: 'guest' } })).statusCode, 200)
    assert.equal((await first.inject({ url: tenantUrl, headers: bearer(roles.admin) })).statusCode, 401, 'the instance that re-roled the admin refuses the old token at once')
    assert.ok(await refusedWithin(second, roles.admin, tenantUrl) < 1000)
    const refreshed = await second.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: roles.admin.refresh_token } })
    assert.equal(refreshed.statusCode, 200, refreshed.body)
    assert.equal(refreshed.json().data.role, 'guest')
    const restore = await second.inject({ method: 'PATCH', url: `${tenantUrl}/members/${roles.admin.user.id}`, headers: bearer(refreshed.json().data), payload: { role: 'admin' } })
    assert.equal(restore.statusCode, 403, 'a guest cannot make herself admin again')
  })

  test('a co-owner removed by another owner cannot come back with the old token', async () => {
    const owner = await registerUser(first)
    const coOwner = await registerUser(first, { email: uniqueEmail('co') })
    const tenantUrl = `/api/v1/tenants/${owner.tenant.id}`
    assert.equal((await first.inject({ method: 'POST', url: `${tenantUrl}/members`, headers: bearer(owner), payload: { email: coOwner.user.email, role: 'owner' } })).statusCode, 201)
    const co = await login(first, coOwner.user.email, owner.tenant.id)
    assert.equal((await first.inject({ method: 'DELETE', url: `${tenantUrl}/members/${co.user.id}`, headers: bearer(owner) })).statusCode, 204)
    await refusedWithin(second, co, tenantUrl)
    const readd = await second.inject({ method: 'POST', url: `${tenantUrl}/members`, headers: bearer(co), payload: { email: coOwner.user.email, role: 'owner' } })
    assert.equal(readd.statusCode, 401)
    const takeover = await second.inject({ method: 'DELETE', url: `${tenantUrl}/members/${owner.user.id}`, headers: bearer(co) })
    assert.equal(takeover.statusCode, 401)
    const owners = await first.db.selectFrom('memberships').select('user_id').where('tenant_id', '=', owner.tenant.id).where('role', '=', 'owner').execute()
    assert.deepEqual(owners.map((row) => row.user_id), [owner.user.id])
  })

  test('two owners removing each other at once: one wins, and the tenant keeps an owner', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await registerUser(first)
      const b = await registerUser(first, { email: uniqueEmail('b') })
      const tenantUrl = `/api/v1/tenants/${a.tenant.id}`
      assert.equal((await first.inject({ method: 'POST', url: `${tenantUrl}/members`, headers: bearer(a), payload: { email: b.user.email, role: 'owner' } })).statusCode, 201)
      const bInTenant = await login(first, b.user.email, a.tenant.id)
      const [removeB, removeA] = await Promise.all([
        first.inject({ method: 'DELETE', url: `${tenantUrl}/members/${b.user.id}`, headers: bearer(a) }),
        second.inject({ method: 'DELETE', url: `${tenantUrl}/members/${a.user.id}`, headers: bearer(bInTenant) })
      ])
      const statuses = [removeB.statusCode, removeA.statusCode].sort()
      assert.equal(statuses[0], 204, `round ${round}: ${removeB.body} ${removeA.body}`)
      assert.notEqual(statuses[1], 204, 'both removals went through')
      const owners = await first.db.selectFrom('memberships').select('user_id').where('tenant_id', '=', a.tenant.id).where('role', '=', 'owner').execute()
      assert.equal(owners.length, 1)
    }
  })

  test('logout racing a refresh never leaves a working session', async () => {
    for (let round = 0; round < 20; round++) {
      const session = await registerUser(first)
      const [refreshed] = await Promise.all([
        second.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refresh_token } }),
        first.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: session.refresh_token } })
      ])
      if (refreshed.statusCode !== 200) continue
      const next = refreshed.json().data as TestSession
      const again = await first.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: next.refresh_token } })
      assert.equal(again.statusCode, 401, `round ${round}: the refreshed token survived the logout`)
      await refusedWithin(second, next)
    }
  })
})

describe('tokens that do not authenticate', () => {
  let database: TestDatabase
  let app: FastifyInstance
  before(async () => {
    database = await migratedDatabase()
    app = await buildTestApp(database, { env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5' } })
  })
  after(async () => {
    await app.close()
    await database.drop()
  })

  test('a garbage Bearer token spends the client address\'s anonymous budget: 401s, then 429', async () => {
    const remoteAddress = uniqueIp()
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await app.inject({ url: '/api/v1/me', remoteAddress, headers: { authorization: 'Bearer garbage' } })).statusCode)
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429])
  })

  test('an access token given as a refresh token is 401 INVALID_REFRESH_TOKEN, not a validation error', async () => {
    const session = await registerUser(app, { email: uniqueEmail('shape') })
    for (const refreshToken of [session.access_token, 'x'.repeat(1000)]) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', remoteAddress: uniqueIp(), payload: { refresh_token: refreshToken } })
      assert.equal(response.statusCode, 401)
      assert.equal(response.json().error.code, 'INVALID_REFRESH_TOKEN')
    }
  })
})
