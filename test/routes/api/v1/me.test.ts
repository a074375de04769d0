import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { useTestApp } from '#test/helpers/app.js'
import { bearer, login, PASSWORD, registerUser } from '#test/helpers/identity.js'

describe('/api/v1/me', () => {
  const context = useTestApp()

  test('GET returns the user, the active tenant and role, and every tenant', async () => {
    const alice = await registerUser(context.app, { name: 'Alice', tenant_name: 'Alice Co' })
    const bob = await registerUser(context.app, { tenant_name: 'Bob Co' })
    await context.app.inject({ method: 'POST', url: `/api/v1/tenants/${bob.tenant.id}/members`, headers: bearer(bob), payload: { email: alice.user.email, role: 'admin' } })

    const response = await context.app.inject({ url: '/api/v1/me', headers: bearer(alice) })
    assert.equal(response.statusCode, 200)
    const { data } = response.json()
    assert.equal(data.user.name, 'Alice')
    assert.equal(data.tenant.id, alice.tenant.id)
    assert.equal(data.role, 'owner')
    assert.deepEqual(data.tenants.map((t: { name: string, role: string }) => [t.name, t.role]), [['Alice Co', 'owner'], ['Bob Co', 'admin']])
    assert.doesNotMatch(response.body, /password/)
  })

  test('PATCH renames; an empty body or unknown field is 422', async () => {
    const session = await registerUser(context.app)
    const renamed = await context.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(session), payload: { name: 'New Name' } })
    assert.equal(renamed.statusCode, 200)
    assert.equal(renamed.json().data.name, 'New Name')
    assert.equal((await context.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(session), payload: {} })).statusCode, 422)
    const smuggled = await context.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(session), payload: { email: 'evil@example.com' } })
    assert.equal(smuggled.statusCode, 422)
    assert.equal(smuggled.json().error.details[0].field, '/email')
  })

  test('a password change needs the current password and signs out the other sessions only', async () => {
    const session = await registerUser(context.app)
    const other = await login(context.app, session.user.email)

    const missing = await context.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(session), payload: { new_password: 'a brand new password' } })
    assert.equal(missing.statusCode, 422)
    assert.equal(missing.json().error.details[0].field, '/current_password')
    const wrong = await context.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(session), payload: { current_password: 'not it at all', new_password: 'a brand new password' } })
    assert.equal(wrong.statusCode, 422)
    const tooShort = await context.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(session), payload: { current_password: PASSWORD, new_password: 'short' } })
    assert.equal(tooShort.statusCode, 422)

    const changed = await context.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer(session), payload: { current_password: PASSWORD, new_password: 'a brand new password' } })
    assert.equal(changed.statusCode, 200)

    const otherRefresh = await context.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: other.refresh_token } })
    assert.equal(otherRefresh.statusCode, 401, 'the other session is signed out')
    const ownRefresh = await context.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refresh_token } })
    assert.equal(ownRefresh.statusCode, 200, 'the session that changed the password keeps working')

    const oldLogin = await context.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: session.user.email, password: PASSWORD } })
    assert.equal(oldLogin.statusCode, 401)
    const newLogin = await context.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: session.user.email, password: 'a brand new password' } })
    assert.equal(newLogin.statusCode, 200)
  })
})
