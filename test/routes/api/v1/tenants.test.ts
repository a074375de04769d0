import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { useTestApp } from '#test/helpers/app.js'
import { bearer, registerUser, tenantWithRoles, uniqueEmail } from '#test/helpers/identity.js'

describe('tenants and members', () => {
  const context = useTestApp()
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: { access_token: string }, payload?: object) =>
    context.app.inject({ method, url, headers: bearer(token), ...(payload !== undefined && { payload }) })

  test('GET the tenant; PATCH needs admin or owner', async () => {
    const roles = await tenantWithRoles(context.app)
    const url = `/api/v1/tenants/${roles.owner.tenant.id}`
    assert.equal((await inject('GET', url, roles.guest)).json().data.name, 'Roles Tenant')
    assert.equal((await inject('PATCH', url, roles.member, { name: 'Nope' })).statusCode, 403)
    assert.equal((await inject('PATCH', url, roles.guest, { name: 'Nope' })).statusCode, 403)
    const renamed = await inject('PATCH', url, roles.admin, { name: 'Renamed', currency: 'EUR' })
    assert.equal(renamed.statusCode, 200)
    assert.equal(renamed.json().data.currency, 'EUR')
    assert.equal((await inject('PATCH', url, roles.owner, { currency: 'euro' })).statusCode, 422)
    assert.equal((await inject('PATCH', url, roles.owner, { id: roles.owner.user.id })).statusCode, 422)
  })

  test('members are listed with offset pagination', async () => {
    const roles = await tenantWithRoles(context.app)
    const url = `/api/v1/tenants/${roles.owner.tenant.id}/members`
    const all = await inject('GET', url, roles.guest)
    assert.equal(all.statusCode, 200)
    assert.deepEqual(all.json().meta, { page: 1, page_size: 25, total: 4, total_pages: 1 })
    assert.deepEqual(all.json().data.map((m: { role: string }) => m.role), ['owner', 'admin', 'member', 'guest'])
    const second = await inject('GET', `${url}?page=2&page_size=3`, roles.guest)
    assert.deepEqual(second.json().meta, { page: 2, page_size: 3, total: 4, total_pages: 2 })
    assert.equal(second.json().data.length, 1)
    const past = await inject('GET', `${url}?page=9&page_size=3`, roles.guest)
    assert.deepEqual(past.json().data, [])
    assert.equal((await inject('GET', `${url}?page_size=101`, roles.guest)).statusCode, 422)
    assert.equal((await inject('GET', `${url}?page=0`, roles.guest)).statusCode, 422)
  })

  test('adding members: admin+, only an owner grants owner, unknown email 404, duplicates 409', async () => {
    const roles = await tenantWithRoles(context.app)
    const url = `/api/v1/tenants/${roles.owner.tenant.id}/members`
    const newcomer = await registerUser(context.app)
    assert.equal((await inject('POST', url, roles.member, { email: newcomer.user.email, role: 'guest' })).statusCode, 403)
    assert.equal((await inject('POST', url, roles.admin, { email: newcomer.user.email, role: 'owner' })).statusCode, 403)
    const added = await inject('POST', url, roles.admin, { email: newcomer.user.email, role: 'member' })
    assert.equal(added.statusCode, 201)
    assert.equal(added.headers.location, `${url}/${newcomer.user.id}`)
    assert.deepEqual(Object.keys(added.json().data).sort(), ['email', 'joined_at', 'role', 'user_id'], 'the account\'s name is not revealed')
    assert.equal(added.json().data.role, 'member')
    const again = await inject('POST', url, roles.admin, { email: newcomer.user.email, role: 'member' })
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().error.code, 'ALREADY_A_MEMBER')
    const unknown = await inject('POST', url, roles.admin, { email: uniqueEmail('ghost'), role: 'member' })
    assert.equal(unknown.statusCode, 404)
    assert.equal(unknown.json().error.code, 'USER_NOT_FOUND')
    assert.equal((await inject('POST', url, roles.admin, { email: newcomer.user.email, role: 'superuser' })).statusCode, 422)
  })

  test('the last owner can be neither demoted nor removed; an admin cannot touch owners', async () => {
    const roles = await tenantWithRoles(context.app)
    const url = `/api/v1/tenants/${roles.owner.tenant.id}/members`
    const ownerUrl = `${url}/${roles.owner.user.id}`
    const demote = await inject('PATCH', ownerUrl, roles.owner, { role: 'admin' })
    assert.equal(demote.statusCode, 409)
    assert.equal(demote.json().error.code, 'LAST_OWNER')
    assert.equal((await inject('DELETE', ownerUrl, roles.owner)).json().error.code, 'LAST_OWNER')
    assert.equal((await inject('PATCH', ownerUrl, roles.admin, { role: 'guest' })).statusCode, 403)
    assert.equal((await inject('DELETE', ownerUrl, roles.admin)).statusCode, 403)

    // With a second owner, the first may step down.
    assert.equal((await inject('PATCH', `${url}/${roles.admin.user.id}`, roles.owner, { role: 'owner' })).statusCode, 200)
    assert.equal((await inject('PATCH', ownerUrl, roles.owner, { role: 'admin' })).statusCode, 200)
    const owners = await context.app.db.selectFrom('memberships').select('user_id').where('tenant_id', '=', roles.owner.tenant.id).where('role', '=', 'owner').execute()
    assert.deepEqual(owners.map((o) => o.user_id), [roles.admin.user.id])
  })

  test('two owners demoting each other at once leave one owner', async () => {
    const roles = await tenantWithRoles(context.app)
    const url = `/api/v1/tenants/${roles.owner.tenant.id}/members`
    await inject('PATCH', `${url}/${roles.admin.user.id}`, roles.owner, { role: 'owner' })
    const secondOwner = { access_token: (await context.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: roles.admin.refresh_token } })).json().data.access_token }
    const results = await Promise.all([
      inject('PATCH', `${url}/${roles.admin.user.id}`, roles.owner, { role: 'member' }),
      inject('PATCH', `${url}/${roles.owner.user.id}`, secondOwner, { role: 'member' })
    ])
    // The second to commit is no longer an owner by then: its current role, read in the
    // transaction, refuses it (403), before the last-owner rule (409) would have.
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 403])
    const owners = await context.app.db.selectFrom('memberships').select('user_id').where('tenant_id', '=', roles.owner.tenant.id).where('role', '=', 'owner').execute()
    assert.equal(owners.length, 1)
  })

  test('removing a member; unknown member 404; malformed ids 422', async () => {
    const roles = await tenantWithRoles(context.app)
    const url = `/api/v1/tenants/${roles.owner.tenant.id}/members`
    assert.equal((await inject('DELETE', `${url}/${roles.guest.user.id}`, roles.member)).statusCode, 403)
    assert.equal((await inject('DELETE', `${url}/${roles.guest.user.id}`, roles.admin)).statusCode, 204)
    const gone = await inject('DELETE', `${url}/${roles.guest.user.id}`, roles.admin)
    assert.equal(gone.statusCode, 404)
    assert.equal(gone.json().error.code, 'MEMBER_NOT_FOUND')
    assert.equal((await inject('DELETE', `${url}/not-a-uuid`, roles.admin)).statusCode, 422)
  })

  test('a token for tenant A gets 403 TENANT_MISMATCH on every tenant B route, and never B data', async () => {
    const a = await registerUser(context.app)
    const b = await tenantWithRoles(context.app)
    const base = `/api/v1/tenants/${b.owner.tenant.id}`
    const attempts: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?]> = [
      ['GET', base], ['PATCH', base, { name: 'pwned' }],
      ['GET', `${base}/members`], ['POST', `${base}/members`, { email: a.user.email, role: 'owner' }],
      ['PATCH', `${base}/members/${b.guest.user.id}`, { role: 'owner' }], ['DELETE', `${base}/members/${b.guest.user.id}`]
    ]
    for (const [method, url, payload] of attempts) {
      const response = await inject(method, url, a, payload)
      assert.equal(response.statusCode, 403, `${method} ${url}`)
      assert.equal(response.json().error.code, 'TENANT_MISMATCH')
      assert.doesNotMatch(response.body, new RegExp(b.owner.tenant.name))
    }
    const members = await context.app.db.selectFrom('memberships').select('role').where('tenant_id', '=', b.owner.tenant.id).execute()
    assert.equal(members.length, 4)
  })
})
