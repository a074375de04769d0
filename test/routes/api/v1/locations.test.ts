import { randomUUID } from 'node:crypto'
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Location } from '#src/schemas/locations.js'
import { useTestApp } from '#test/helpers/app.js'
import { registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'
import { errorFields, requester } from '#test/helpers/requests.js'

describe('/api/v1/tenants/{tenant_id}/locations', () => {
  const context = useTestApp()
  const call = requester(() => context.app)
  const locationsUrl = (session: TestSession) => `/api/v1/tenants/${session.tenant.id}/locations`
  const row = async (id: string) => await context.app.db.selectFrom('locations').selectAll().where('id', '=', id).executeTakeFirst()
  const countIn = async (tenantId: string) => (await context.app.db.selectFrom('locations').select('id').where('tenant_id', '=', tenantId).execute()).length

  async function create (session: TestSession, payload: Record<string, unknown> = {}): Promise<Location> {
    const response = await call('POST', locationsUrl(session), session, { payload: { name: 'Main Street', timezone: 'Europe/Berlin', ...payload } })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().data
  }

  let roles: Awaited<ReturnType<typeof tenantWithRoles>>
  before(async () => { roles = await tenantWithRoles(context.app) })

  test('POST creates: 201 with Location and ETag; defaults; GET returns it', async () => {
    const full = {
      name: 'Flagship',
      address_line1: 'Unter den Linden 1',
      address_line2: '2nd floor',
      city: 'Berlin',
      region: 'Berlin',
      postal_code: '10117',
      country: 'DE',
      timezone: 'Europe/Berlin',
      active: false
    }
    const created = await call('POST', locationsUrl(roles.member), roles.member, { payload: full })
    assert.equal(created.statusCode, 201)
    const location = created.json().data
    assert.deepEqual({ ...location, id: undefined, created_at: undefined, updated_at: undefined }, { ...full, id: undefined, created_by: roles.member.user.id, created_at: undefined, updated_at: undefined })
    assert.equal(created.headers.location, `${locationsUrl(roles.member)}/${location.id}`)
    assert.equal(created.headers.etag, '"1"')

    const read = await call('GET', created.headers.location as string, roles.guest)
    assert.equal(read.statusCode, 200)
    assert.equal(read.headers.etag, '"1"')
    assert.deepEqual(read.json(), { data: location, error: null })

    const minimal = await create(roles.member, { timezone: 'Asia/Kolkata' })
    assert.deepEqual([minimal.active, minimal.city, minimal.country, minimal.timezone], [true, null, null, 'Asia/Kolkata'])
  })

  test('bad input is 422 with a detail per field, and nothing is stored', async () => {
    const owner = await registerUser(context.app)
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{}, ['/name', '/timezone']],
      [{ name: '', timezone: 'Europe/Berlin', tenant_id: roles.owner.tenant.id, id: randomUUID() }, ['/id', '/name', '/tenant_id']],
      [{ name: 'x'.repeat(201), timezone: 'x'.repeat(65), address_line1: 'a'.repeat(201), address_line2: '', city: 'c'.repeat(101), region: 'r'.repeat(101), postal_code: 'p'.repeat(21), country: 'de', active: 'yes' },
        ['/active', '/address_line1', '/address_line2', '/city', '/country', '/name', '/postal_code', '/region', '/timezone']],
      [{ name: 'x', timezone: null, city: 5 }, ['/city', '/timezone']],
      [{ name: 'x', timezone: 'Mars/Olympus_Mons' }, ['/timezone']],
      [{ name: 'x', timezone: 'europe/berlin' }, ['/timezone']],
      [{ name: 'x', timezone: '+02:00' }, ['/timezone']],
      [{ name: 'x', timezone: 'UTC', country: 'UK' }, ['/country']],
      [{ name: 'x', timezone: 'UTC', country: 'DEU' }, ['/country']]
    ]
    for (const [payload, fields] of cases) {
      const response = await call('POST', locationsUrl(owner), owner, { payload })
      assert.equal(response.statusCode, 422, JSON.stringify(payload))
      assert.equal(response.json().error.code, 'INVALID_INPUT')
      assert.deepEqual(errorFields(response), fields, JSON.stringify(payload))
    }
    assert.equal(await countIn(owner.tenant.id), 0)
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await call(method, `${locationsUrl(owner)}/12345`, owner, method === 'PATCH' ? { payload: { active: false } } : {})
      assert.equal(response.statusCode, 422, method)
      assert.deepEqual(errorFields(response), ['/location_id'])
    }
  })

  describe('lists', () => {
    let owner: TestSession
    const names = async (query: string) => {
      const response = await call('GET', `${locationsUrl(owner)}?${query}`, owner)
      assert.equal(response.statusCode, 200, `${query}: ${response.body}`)
      return response.json().data.map((location: Location) => location.name)
    }

    before(async () => {
      owner = await registerUser(context.app)
      const seed = [
        { name: 'Harbour 50%', active: true },
        { name: 'airport_2', active: false },
        { name: 'Central', active: true },
        { name: "O'Brien St", active: true },
        { name: 'Depot', active: false }
      ]
      const start = Date.parse('2026-01-01T00:00:00.000Z')
      for (const [index, payload] of seed.entries()) {
        const location = await create(owner, payload)
        await context.app.db.updateTable('locations').set({ created_at: new Date(start + index * 60_000).toISOString() }).where('id', '=', location.id).execute()
      }
    })

    test('an empty tenant lists [] with total 0', async () => {
      const empty = await registerUser(context.app)
      assert.deepEqual((await call('GET', locationsUrl(empty), empty)).json(), { data: [], meta: { page: 1, page_size: 25, total: 0, total_pages: 0 }, error: null })
    })

    test('sorts: name and created_at in both directions; default -created_at', async () => {
      const newestFirst = ['Depot', "O'Brien St", 'Central', 'airport_2', 'Harbour 50%']
      assert.deepEqual(await names(''), newestFirst)
      assert.deepEqual(await names('sort=-created_at'), newestFirst)
      assert.deepEqual(await names('sort=created_at'), [...newestFirst].reverse())
      const byName = await names('sort=name')
      // Compared through the database's own collation rather than assuming one.
      const expected = (await context.app.db.selectFrom('locations').select('name').where('tenant_id', '=', owner.tenant.id).orderBy('name').orderBy('id').execute()).map((r) => r.name)
      assert.deepEqual(byName, expected)
      assert.deepEqual(await names('sort=-name'), [...expected].reverse())
    })

    test('filters: active, q (case-insensitive; % _ and quotes literal), combined', async () => {
      assert.deepEqual(await names('active=true&sort=created_at'), ['Harbour 50%', 'Central', "O'Brien St"])
      assert.deepEqual(await names('active=false&sort=created_at'), ['airport_2', 'Depot'])
      assert.deepEqual(await names('q=CENTR'), ['Central'])
      assert.deepEqual(await names('q=%25'), ['Harbour 50%'])
      assert.deepEqual(await names('q=_'), ['airport_2'])
      assert.deepEqual(await names("q='"), ["O'Brien St"])
      assert.deepEqual(await names(`q=${encodeURIComponent("x' or '1'='1")}`), [])
      assert.deepEqual(await names('q=r&active=false&sort=created_at'), ['airport_2'])
      assert.equal(await countIn(owner.tenant.id), 5)
    })

    test('pagination: the last page and past the end', async () => {
      const page = async (query: string) => (await call('GET', `${locationsUrl(owner)}?sort=created_at&${query}`, owner)).json()
      const second = await page('page=2&page_size=2')
      assert.deepEqual(second.meta, { page: 2, page_size: 2, total: 5, total_pages: 3 })
      assert.deepEqual(second.data.map((l: Location) => l.name), ['Central', "O'Brien St"])
      const last = await page('page=3&page_size=2')
      assert.deepEqual(last.data.map((l: Location) => l.name), ['Depot'])
      assert.deepEqual(await page('page=9&page_size=2'), { data: [], meta: { page: 9, page_size: 2, total: 5, total_pages: 3 }, error: null })
      assert.deepEqual((await page('active=true&page_size=100')).meta, { page: 1, page_size: 100, total: 3, total_pages: 1 })
    })

    test('unknown parameters, sorts, filter values and page sizes are 422', async () => {
      const cases: Array<[string, string]> = [
        ['page_size=101', '/page_size'], ['page=0', '/page'], ['page_size=-5', '/page_size'], ['page=1.5', '/page'],
        ['sort=timezone', '/sort'], ['sort=-price_cents', '/sort'], ['active=maybe', '/active'], ['active=', '/active'],
        ['q=', '/q'], ['city=Berlin', '/city']
      ]
      for (const [query, field] of cases) {
        const response = await call('GET', `${locationsUrl(owner)}?${query}`, owner)
        assert.equal(response.statusCode, 422, query)
        assert.deepEqual(errorFields(response), [field], query)
      }
    })
  })

  test('PATCH is partial: absent keys untouched, null clears, an empty body or bad value is 422', async () => {
    const location = await create(roles.member, { city: 'Hamburg', country: 'DE', postal_code: '20095' })
    const url = `${locationsUrl(roles.member)}/${location.id}`

    const renamed = await call('PATCH', url, roles.member, { payload: { name: 'Harbour' } })
    assert.equal(renamed.statusCode, 200)
    assert.equal(renamed.headers.etag, '"2"')
    assert.deepEqual(renamed.json().data, { ...location, name: 'Harbour', updated_at: renamed.json().data.updated_at })

    const cleared = (await call('PATCH', url, roles.member, { payload: { city: null, country: null, active: false, timezone: 'Europe/Kyiv' } })).json().data
    assert.deepEqual([cleared.city, cleared.country, cleared.active, cleared.timezone, cleared.postal_code, cleared.name], [null, null, false, 'Europe/Kyiv', '20095', 'Harbour'])

    const before = await row(location.id)
    const cases: Array<[object, string[]]> = [
      [{}, ['/']], [{ name: null }, ['/name']], [{ timezone: null }, ['/timezone']], [{ active: null }, ['/active']],
      [{ timezone: 'Nowhere/Special' }, ['/timezone']], [{ country: 'XX' }, ['/country']], [{ city: '' }, ['/city']],
      [{ created_by: roles.member.user.id }, ['/created_by']], [{ version: 9 }, ['/version']]
    ]
    for (const [payload, fields] of cases) {
      const response = await call('PATCH', url, roles.member, { payload })
      assert.equal(response.statusCode, 422, JSON.stringify(payload))
      assert.deepEqual(errorFields(response), fields, JSON.stringify(payload))
    }
    assert.deepEqual(await row(location.id), before)
  })

  test('ETag: If-None-Match gives 304; a stale If-Match gives 412 and changes nothing', async () => {
    const location = await create(roles.member)
    const url = `${locationsUrl(roles.member)}/${location.id}`
    const notModified = await call('GET', url, roles.member, { headers: { 'if-none-match': '"1"' } })
    assert.equal(notModified.statusCode, 304)
    assert.equal(notModified.body, '')
    assert.equal((await call('PATCH', url, roles.member, { payload: { active: false }, headers: { 'if-match': '"1"' } })).statusCode, 200)
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': '"1"' } })).statusCode, 200)
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': '"2"' } })).statusCode, 304)

    const stale = await call('PATCH', url, roles.member, { payload: { name: 'Lost update' }, headers: { 'if-match': '"1"' } })
    assert.equal(stale.statusCode, 412)
    assert.equal(stale.json().error.code, 'PRECONDITION_FAILED')
    assert.equal((await call('DELETE', url, roles.member, { headers: { 'if-match': '"1"' } })).statusCode, 412)
    const stored = await row(location.id)
    assert.deepEqual([stored?.name, stored?.active, stored?.version], ['Main Street', false, 2])

    assert.equal((await call('DELETE', url, roles.member, { headers: { 'if-match': '"2"' } })).statusCode, 204)
    const gone = await call('GET', url, roles.member)
    assert.equal(gone.statusCode, 404)
    assert.equal(gone.json().error.code, 'LOCATION_NOT_FOUND')
    assert.equal(await row(location.id), undefined)
  })

  test('roles: guests read only; members change only their own; admins and owners change any', async () => {
    const url = locationsUrl(roles.owner)
    const byAdmin = await create(roles.admin, { name: 'Admin made' })
    const byMember = await create(roles.member, { name: 'Member made' })
    const count = await countIn(roles.owner.tenant.id)

    assert.equal((await call('GET', url, roles.guest)).statusCode, 200)
    assert.equal((await call('GET', `${url}/${byAdmin.id}`, roles.guest)).statusCode, 200)
    for (const [method, target, payload] of [
      ['POST', url, { name: 'Guest made', timezone: 'UTC' }], ['PATCH', `${url}/${byMember.id}`, { active: false }], ['DELETE', `${url}/${byMember.id}`, undefined]
    ] as const) {
      const response = await call(method, target, roles.guest, payload === undefined ? {} : { payload })
      assert.equal(response.statusCode, 403, `guest ${method}`)
      assert.equal(response.json().error.code, 'FORBIDDEN')
    }
    const others = await call('PATCH', `${url}/${byAdmin.id}`, roles.member, { payload: { active: false } })
    assert.equal(others.statusCode, 403)
    assert.equal(others.json().error.code, 'FORBIDDEN')
    assert.equal((await call('DELETE', `${url}/${byAdmin.id}`, roles.member)).statusCode, 403)
    assert.equal(await countIn(roles.owner.tenant.id), count)
    assert.equal((await row(byAdmin.id))?.version, 1)
    assert.equal((await row(byMember.id))?.version, 1)

    assert.equal((await call('PATCH', `${url}/${byMember.id}`, roles.member, { payload: { city: 'Bonn' } })).statusCode, 200)
    assert.equal((await call('PATCH', `${url}/${byMember.id}`, roles.admin, { payload: { city: 'Köln' } })).statusCode, 200)
    assert.equal((await call('PATCH', `${url}/${byAdmin.id}`, roles.owner, { payload: { city: 'Essen' } })).statusCode, 200)
    assert.equal((await call('DELETE', `${url}/${byMember.id}`, roles.admin)).statusCode, 204)
    assert.equal((await call('DELETE', `${url}/${byAdmin.id}`, roles.owner)).statusCode, 204)
    assert.equal(await countIn(roles.owner.tenant.id), count - 2)
  })

  test("another tenant's locations: 404 under your tenant, 403 TENANT_MISMATCH under theirs, never changed", async () => {
    const mine = await registerUser(context.app)
    const theirs = await registerUser(context.app)
    const their = await create(theirs, { name: 'Their secret depot' })
    const before = await row(their.id)

    const missing = await call('GET', `${locationsUrl(mine)}/${randomUUID()}`, mine)
    assert.equal(missing.json().error.code, 'LOCATION_NOT_FOUND')
    for (const [method, options] of [['GET', {}], ['PATCH', { payload: { active: false } }], ['DELETE', {}]] as const) {
      const response = await call(method, `${locationsUrl(mine)}/${their.id}`, mine, options)
      assert.equal(response.statusCode, 404, method)
      assert.deepEqual({ ...response.json().error, request_id: null }, { ...missing.json().error, request_id: null })
    }
    assert.deepEqual((await call('GET', `${locationsUrl(mine)}?q=secret`, mine)).json().data, [])

    const attempts: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?]> = [
      ['GET', locationsUrl(theirs)], ['POST', locationsUrl(theirs), { name: 'x', timezone: 'UTC' }],
      ['GET', `${locationsUrl(theirs)}/${their.id}`], ['PATCH', `${locationsUrl(theirs)}/${their.id}`, { active: false }],
      ['DELETE', `${locationsUrl(theirs)}/${their.id}`]
    ]
    for (const [method, url, payload] of attempts) {
      const response = await call(method, url, mine, payload === undefined ? {} : { payload })
      assert.equal(response.statusCode, 403, `${method} ${url}`)
      assert.equal(response.json().error.code, 'TENANT_MISMATCH')
      assert.doesNotMatch(response.body, /secret/)
    }
    assert.deepEqual(await row(their.id), before)
    assert.equal(await countIn(theirs.tenant.id), 1)
  })
})
