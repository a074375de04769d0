import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { sql } from 'kysely'
import { useTestApp, TEST_JWT_SECRET } from '#test/helpers/app.js'
import { bearer, login, PASSWORD, registerUser, uniqueEmail, type TestSession } from '#test/helpers/identity.js'

function base64url (value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function forge (header: object, payload: object, secret?: string): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`
  const signature = secret === undefined ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url')
  return `${unsigned}.${signature}`
}

describe('auth', () => {
  const context = useTestApp()
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => context.app.inject({ method: 'POST', url, payload: payload as object, headers })

  describe('register', () => {
    test('creates user, tenant and owner membership and answers with a session', async () => {
      const email = uniqueEmail('reg')
      const response = await post('/api/v1/auth/register', { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: 'Ada', tenant_name: 'Ada Shop' })
      assert.equal(response.statusCode, 201)
      const { data, error } = response.json()
      assert.equal(error, null)
      assert.equal(data.user.email, email)
      assert.equal(data.tenant.name, 'Ada Shop')
      assert.equal(data.role, 'owner')
      assert.equal(data.token_type, 'Bearer')
      assert.equal(data.expires_in, 900)
      assert.ok(data.access_token.split('.').length === 3)
      assert.ok(data.refresh_token.length >= 40)
      assert.doesNotMatch(response.body, /password|argon2/)

      const membership = await context.app.db.selectFrom('memberships').selectAll().where('user_id', '=', data.user.id).execute()
      assert.deepEqual(membership.map((m) => [m.tenant_id, m.role]), [[data.tenant.id, 'owner']])
      const stored = await context.app.db.selectFrom('users').select('password_hash').where('id', '=', data.user.id).executeTakeFirstOrThrow()
      assert.match(stored.password_hash, /^\$argon2id\$v=19\$m=32768,t=3,p=1\$/)
      const tokens = await context.app.db.selectFrom('refresh_tokens').select('token_hash').where('user_id', '=', data.user.id).execute()
      assert.equal(tokens.length, 1)
      assert.notEqual(tokens[0]!.token_hash.toString('base64url'), data.refresh_token)
    })

    test('a taken email (any case, any spaces) is 409 EMAIL_TAKEN and creates nothing', async () => {
      const email = uniqueEmail('taken')
      await registerUser(context.app, { email })
      const tenantsBefore = await sql<{ count: number }>`select count(*)::int as count from tenants`.execute(context.app.db)
      const response = await post('/api/v1/auth/register', { email: ` ${email.toUpperCase()}`, password: PASSWORD, name: 'B', tenant_name: 'B' })
      assert.equal(response.statusCode, 409)
      assert.equal(response.json().error.code, 'EMAIL_TAKEN')
      const tenantsAfter = await sql<{ count: number }>`select count(*)::int as count from tenants`.execute(context.app.db)
      assert.equal(tenantsAfter.rows[0]!.count, tenantsBefore.rows[0]!.count)
    })

    test('bad input is 422 with a detail per field', async () => {
      const cases: Array<[object, string[]]> = [
        [{}, ['/email', '/name', '/password', '/tenant_name']],
        [{ email: 'not-an-email', password: 'short', name: '', tenant_name: 'x' }, ['/email', '/name', '/password']],
        [{ email: uniqueEmail(), password: 'x'.repeat(129), name: 'n', tenant_name: 't' }, ['/password']],
        [{ email: uniqueEmail(), password: 12345678, name: 'n', tenant_name: 't' }, ['/password']],
        [{ email: uniqueEmail(), password: PASSWORD, name: 'n', tenant_name: 't', role: 'admin' }, ['/role']]
      ]
      for (const [payload, fields] of cases) {
        const response = await post('/api/v1/auth/register', payload)
        assert.equal(response.statusCode, 422, JSON.stringify(payload))
        const { error } = response.json()
        assert.equal(error.code, 'INVALID_INPUT')
        assert.deepEqual([...new Set(error.details.map((d: { field: string }) => d.field))].sort(), fields)
      }
    })
  })

  describe('login', () => {
    test('right password signs in; the same shape as register', async () => {
      const registered = await registerUser(context.app)
      const response = await post('/api/v1/auth/login', { email: registered.user.email.toUpperCase(), password: PASSWORD })
      assert.equal(response.statusCode, 200)
      const { data } = response.json()
      assert.equal(data.user.id, registered.user.id)
      assert.equal(data.tenant.id, registered.tenant.id)
      assert.equal(data.role, 'owner')
      assert.deepEqual(Object.keys(data).sort(), ['access_token', 'expires_in', 'refresh_token', 'role', 'tenant', 'token_type', 'user'])
    })

    test('unknown email and wrong password are the same 401 INVALID_CREDENTIALS', async () => {
      const registered = await registerUser(context.app)
      const wrong = await post('/api/v1/auth/login', { email: registered.user.email, password: 'wrong password!' })
      const unknown = await post('/api/v1/auth/login', { email: uniqueEmail('nobody'), password: 'wrong password!' })
      for (const response of [wrong, unknown]) {
        assert.equal(response.statusCode, 401)
        assert.equal(response.json().error.code, 'INVALID_CREDENTIALS')
      }
      assert.equal(wrong.json().error.message, unknown.json().error.message)
    })

    test('tenant_id chooses among the tenants of a member of several; a foreign tenant is 403', async () => {
      const alice = await registerUser(context.app)
      const bob = await registerUser(context.app)
      const added = await post(`/api/v1/tenants/${bob.tenant.id}/members`, { email: alice.user.email, role: 'member' }, bearer(bob))
      assert.equal(added.statusCode, 201)
      const first = await login(context.app, alice.user.email)
      assert.equal(first.tenant.id, alice.tenant.id, 'without tenant_id the first-joined tenant is chosen')
      const second = await login(context.app, alice.user.email, bob.tenant.id)
      assert.equal(second.tenant.id, bob.tenant.id)
      assert.equal(second.role, 'member')
      const carol = await registerUser(context.app)
      const refused = await post('/api/v1/auth/login', { email: alice.user.email, password: PASSWORD, tenant_id: carol.tenant.id })
      assert.equal(refused.statusCode, 403)
    })
  })

  describe('refresh', () => {
    test('rotates: the new pair works, the old refresh token does not, and re-use revokes the family', async () => {
      const session = await registerUser(context.app)
      const first = await post('/api/v1/auth/refresh', { refresh_token: session.refresh_token })
      assert.equal(first.statusCode, 200)
      const rotated: TestSession = first.json().data
      assert.notEqual(rotated.refresh_token, session.refresh_token)
      assert.equal((await context.app.inject({ url: '/api/v1/me', headers: bearer(rotated) })).statusCode, 200)

      // The stolen (already rotated) token is presented: refused, and the family dies with it.
      const reuse = await post('/api/v1/auth/refresh', { refresh_token: session.refresh_token })
      assert.equal(reuse.statusCode, 401)
      assert.equal(reuse.json().error.code, 'INVALID_REFRESH_TOKEN')
      const legit = await post('/api/v1/auth/refresh', { refresh_token: rotated.refresh_token })
      assert.equal(legit.statusCode, 401, 'the legitimate holder is signed out too')

      const live = await context.app.db.selectFrom('refresh_tokens').select('id').where('user_id', '=', session.user.id).where('revoked_at', 'is', null).execute()
      assert.equal(live.length, 0)
    })

    test('switches tenant for a member of several; membership is re-checked', async () => {
      const alice = await registerUser(context.app)
      const bob = await registerUser(context.app)
      await post(`/api/v1/tenants/${bob.tenant.id}/members`, { email: alice.user.email, role: 'guest' }, bearer(bob))
      const switched = await post('/api/v1/auth/refresh', { refresh_token: alice.refresh_token, tenant_id: bob.tenant.id })
      assert.equal(switched.statusCode, 200)
      const inBob: TestSession = switched.json().data
      assert.equal(inBob.tenant.id, bob.tenant.id)
      assert.equal(inBob.role, 'guest')

      // Bob removes Alice: she can no longer refresh into Bob's tenant.
      const removed = await context.app.inject({ method: 'DELETE', url: `/api/v1/tenants/${bob.tenant.id}/members/${alice.user.id}`, headers: bearer(bob) })
      assert.equal(removed.statusCode, 204)
      const refused = await post('/api/v1/auth/refresh', { refresh_token: inBob.refresh_token })
      assert.equal(refused.statusCode, 403)
      const home = await post('/api/v1/auth/refresh', { refresh_token: inBob.refresh_token, tenant_id: alice.tenant.id })
      assert.equal(home.statusCode, 200, 'the same token still works for a tenant she belongs to')
    })

    test('a role change is picked up at the next refresh', async () => {
      const owner = await registerUser(context.app)
      const other = await registerUser(context.app)
      await post(`/api/v1/tenants/${owner.tenant.id}/members`, { email: other.user.email, role: 'guest' }, bearer(owner))
      const asGuest = await login(context.app, other.user.email, owner.tenant.id)
      await context.app.inject({ method: 'PATCH', url: `/api/v1/tenants/${owner.tenant.id}/members/${other.user.id}`, headers: bearer(owner), payload: { role: 'admin' } })
      const refreshed = await post('/api/v1/auth/refresh', { refresh_token: asGuest.refresh_token })
      assert.equal(refreshed.json().data.role, 'admin')
    })

    test('unknown, malformed and expired refresh tokens are 401; bad bodies 422', async () => {
      assert.equal((await post('/api/v1/auth/refresh', { refresh_token: 'nope' })).statusCode, 401)
      assert.equal((await post('/api/v1/auth/refresh', {})).statusCode, 422)
      assert.equal((await post('/api/v1/auth/refresh', { refresh_token: 'x', tenant_id: 'not-a-uuid' })).statusCode, 422)
      const session = await registerUser(context.app)
      await context.app.db.updateTable('refresh_tokens').set({ expires_at: '2020-01-01T00:00:00.000Z' }).where('user_id', '=', session.user.id).execute()
      assert.equal((await post('/api/v1/auth/refresh', { refresh_token: session.refresh_token })).statusCode, 401)
    })
  })

  describe('logout', () => {
    test('logout revokes the family; logout-all revokes every session of the user', async () => {
      const session = await registerUser(context.app)
      const second = await login(context.app, session.user.email)
      const third = await login(context.app, session.user.email)

      const out = await post('/api/v1/auth/logout', { refresh_token: session.refresh_token })
      assert.equal(out.statusCode, 204)
      assert.equal(out.body, '')
      assert.equal((await post('/api/v1/auth/refresh', { refresh_token: session.refresh_token })).statusCode, 401)
      assert.equal((await post('/api/v1/auth/logout', { refresh_token: 'unknown-token' })).statusCode, 204)

      assert.equal((await post('/api/v1/auth/logout-all', {}, {})).statusCode, 401)
      const all = await context.app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: bearer(second) })
      assert.equal(all.statusCode, 204)
      assert.equal((await post('/api/v1/auth/refresh', { refresh_token: second.refresh_token })).statusCode, 401)
      assert.equal((await post('/api/v1/auth/refresh', { refresh_token: third.refresh_token })).statusCode, 401)
    })
  })

  describe('access tokens', () => {
    test('missing, malformed and non-Bearer Authorization headers are 401 UNAUTHORIZED', async () => {
      for (const authorization of [undefined, '', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer not.a.jwt', 'Token abc']) {
        const response = await context.app.inject({ url: '/api/v1/me', headers: authorization === undefined ? {} : { authorization } })
        assert.equal(response.statusCode, 401, String(authorization))
        assert.equal(response.json().error.code, 'UNAUTHORIZED')
      }
    })

    test('forged, expired, wrong-issuer and wrong-audience tokens are refused', async () => {
      const session = await registerUser(context.app)
      const now = Math.floor(Date.now() / 1000)
      const { mv } = JSON.parse(Buffer.from(session.access_token.split('.')[1] ?? '', 'base64url').toString()) as { mv: number }
      const claims = { sub: session.user.id, tenant_id: session.tenant.id, role: 'owner', sid: session.user.id, mv, iat: now, exp: now + 600, iss: 'retail-ops-api', aud: 'retail-ops-api' }
      const cases: Array<[string, string, string]> = [
        ['alg none', forge({ alg: 'none', typ: 'JWT' }, claims), 'UNAUTHORIZED'],
        ['other secret', forge({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-that-is-32-bytes-long!!'), 'UNAUTHORIZED'],
        ['HS512 with the right secret', (() => { const u = `${base64url({ alg: 'HS512', typ: 'JWT' })}.${base64url(claims)}`; return `${u}.${createHmac('sha512', TEST_JWT_SECRET).update(u).digest('base64url')}` })(), 'UNAUTHORIZED'],
        ['expired', forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 1000, exp: now - 10 }, TEST_JWT_SECRET), 'TOKEN_EXPIRED'],
        ['not yet valid', forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, nbf: now + 600 }, TEST_JWT_SECRET), 'UNAUTHORIZED'],
        ['wrong issuer', forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'evil' }, TEST_JWT_SECRET), 'UNAUTHORIZED'],
        ['wrong audience', forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'other-api' }, TEST_JWT_SECRET), 'UNAUTHORIZED'],
        ['unknown role', forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, role: 'superuser' }, TEST_JWT_SECRET), 'UNAUTHORIZED']
      ]
      for (const [name, token, code] of cases) {
        const response = await context.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })
        assert.equal(response.statusCode, 401, name)
        assert.equal(response.json().error.code, code, name)
      }
      const genuine = forge({ alg: 'HS256', typ: 'JWT' }, claims, TEST_JWT_SECRET)
      assert.equal((await context.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${genuine}` } })).statusCode, 200, 'the control token works')
    })
  })
})
