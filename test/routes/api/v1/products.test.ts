import { randomUUID } from 'node:crypto'
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Product } from '#src/schemas/products.js'
import { useTestApp } from '#test/helpers/app.js'
import { registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'
import { errorFields, requester } from '#test/helpers/requests.js'

describe('/api/v1/tenants/{tenant_id}/products', () => {
  const context = useTestApp()
  const call = requester(() => context.app)
  const productsUrl = (session: TestSession) => `/api/v1/tenants/${session.tenant.id}/products`
  const row = async (id: string) => await context.app.db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst()
  const countIn = async (tenantId: string) => (await context.app.db.selectFrom('products').select('id').where('tenant_id', '=', tenantId).execute()).length

  async function create (session: TestSession, payload: Record<string, unknown> = {}): Promise<Product> {
    const response = await call('POST', productsUrl(session), session, { payload: { name: 'Espresso', price_cents: 250, stock: 10, category: 'hot-drinks', ...payload } })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().data
  }

  let roles: Awaited<ReturnType<typeof tenantWithRoles>>
  before(async () => { roles = await tenantWithRoles(context.app) })

  test('POST creates: 201 with Location and ETag; GET returns it with a strong ETag', async () => {
    const created = await call('POST', productsUrl(roles.member), roles.member, {
      payload: { name: 'Flat white', description: 'Double shot', price_cents: 380, stock: 12, category: 'hot-drinks', subcategory: 'coffee', sku: `FW-${randomUUID()}` }
    })
    assert.equal(created.statusCode, 201)
    const product = created.json().data
    assert.equal(created.headers.location, `${productsUrl(roles.member)}/${product.id}`)
    assert.equal(created.headers.etag, '"1"')
    assert.equal(product.created_by, roles.member.user.id)
    assert.equal(product.currency, 'USD')
    assert.equal(product.version, undefined)
    assert.equal(product.tenant_id, undefined)

    const read = await call('GET', created.headers.location as string, roles.guest)
    assert.equal(read.statusCode, 200)
    assert.equal(read.headers.etag, '"1"')
    assert.deepEqual(read.json(), { data: product, error: null })
  })

  test('currency defaults to the tenant currency; an unknown or lower-case currency is 422', async () => {
    const owner = await registerUser(context.app)
    assert.equal((await call('PATCH', `/api/v1/tenants/${owner.tenant.id}`, owner, { payload: { currency: 'EUR' } })).statusCode, 200)
    assert.equal((await create(owner)).currency, 'EUR')
    assert.equal((await create(owner, { currency: 'JPY' })).currency, 'JPY')
    for (const currency of ['XYZ', 'eur', 'EURO']) {
      const response = await call('POST', productsUrl(owner), owner, { payload: { name: 'x', price_cents: 1, stock: 1, category: 'x', currency } })
      assert.equal(response.statusCode, 422, currency)
      assert.deepEqual(errorFields(response), ['/currency'])
    }
    const [product] = (await call('GET', productsUrl(owner), owner)).json().data
    const unknown = await call('PATCH', `${productsUrl(owner)}/${product.id}`, owner, { payload: { currency: 'XYZ' } })
    assert.equal(unknown.statusCode, 422)
    assert.equal((await row(product.id))?.currency, product.currency)
    assert.equal(await countIn(owner.tenant.id), 2)
  })

  test('bad input is 422 with a detail per field, and nothing is stored', async () => {
    const owner = await registerUser(context.app)
    const bad = await call('POST', productsUrl(owner), owner, {
      payload: { name: 'x'.repeat(201), price_cents: -5, stock: '3', category: 'Not A Slug', sku: '', description: 'd'.repeat(2001), tenant_id: roles.owner.tenant.id }
    })
    assert.equal(bad.statusCode, 422)
    assert.equal(bad.json().error.code, 'INVALID_INPUT')
    assert.deepEqual(errorFields(bad), ['/category', '/description', '/name', '/price_cents', '/sku', '/stock', '/tenant_id'])
    const missing = await call('POST', productsUrl(owner), owner, { payload: {} })
    assert.deepEqual(errorFields(missing), ['/category', '/name', '/price_cents', '/stock'])
    const float = await call('POST', productsUrl(owner), owner, { payload: { name: 'x', price_cents: 1.5, stock: 1, category: 'x' } })
    assert.deepEqual(errorFields(float), ['/price_cents'])
    assert.equal(await countIn(owner.tenant.id), 0)
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await call(method, `${productsUrl(owner)}/not-a-uuid`, owner, method === 'PATCH' ? { payload: { stock: 1 } } : {})
      assert.equal(response.statusCode, 422, method)
      assert.deepEqual(errorFields(response), ['/product_id'])
    }
  })

  test('SKU is unique per tenant: 409 SKU_TAKEN on create and update, free in another tenant', async () => {
    const owner = await registerUser(context.app)
    const first = await create(owner, { sku: 'SKU-1' })
    const second = await create(owner, { name: 'Second' })
    await create(owner, { name: 'No SKU either' })

    const again = await call('POST', productsUrl(owner), owner, { payload: { name: 'Dup', price_cents: 1, stock: 1, category: 'x', sku: 'SKU-1' } })
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().error.code, 'SKU_TAKEN')
    const taken = await call('PATCH', `${productsUrl(owner)}/${second.id}`, owner, { payload: { sku: 'SKU-1', stock: 99 } })
    assert.equal(taken.statusCode, 409)
    assert.equal(taken.json().error.code, 'SKU_TAKEN')
    const unchanged = await row(second.id)
    assert.equal(unchanged?.sku, null)
    assert.equal(unchanged?.stock, 10)
    assert.equal(unchanged?.version, 1)
    assert.equal(await countIn(owner.tenant.id), 3)

    const other = await registerUser(context.app)
    assert.equal((await create(other, { sku: 'SKU-1' })).sku, 'SKU-1')
    assert.equal((await row(first.id))?.sku, 'SKU-1')
  })

  describe('lists', () => {
    let owner: TestSession
    const names = async (query: string) => {
      const response = await call('GET', `${productsUrl(owner)}?${query}`, owner)
      assert.equal(response.statusCode, 200, `${query}: ${response.body}`)
      return response.json().data.map((product: Product) => product.name)
    }

    before(async () => {
      owner = await registerUser(context.app)
      const seed = [
        { name: 'Espresso', price_cents: 250, stock: 10, category: 'hot-drinks', subcategory: 'coffee' },
        { name: 'Latte 100%', price_cents: 400, stock: 0, category: 'hot-drinks', subcategory: 'coffee' },
        { name: 'Green_tea', price_cents: 300, stock: 5, category: 'hot-drinks', subcategory: 'tea' },
        { name: 'Croissant', price_cents: 180, stock: 20, category: 'bakery' },
        { name: "Bob's \\ special", price_cents: 999, stock: 1, category: 'bakery' }
      ]
      const start = Date.parse('2026-01-01T00:00:00.000Z')
      for (const [index, payload] of seed.entries()) {
        const product = await create(owner, payload)
        // Distinct creation times, oldest first, so the created_at order is certain.
        await context.app.db.updateTable('products').set({ created_at: new Date(start + index * 60_000).toISOString() }).where('id', '=', product.id).execute()
      }
    })

    test('an empty tenant lists [] with total 0', async () => {
      const empty = await registerUser(context.app)
      const response = await call('GET', productsUrl(empty), empty)
      assert.equal(response.statusCode, 200)
      assert.deepEqual(response.json(), { data: [], meta: { page: 1, page_size: 25, total: 0, total_pages: 0 }, error: null })
    })

    test('each sort, both directions; default -created_at', async () => {
      const newestFirst = ["Bob's \\ special", 'Croissant', 'Green_tea', 'Latte 100%', 'Espresso']
      assert.deepEqual(await names(''), newestFirst)
      assert.deepEqual(await names('sort=-created_at'), newestFirst)
      assert.deepEqual(await names('sort=created_at'), [...newestFirst].reverse())
      const byName = ["Bob's \\ special", 'Croissant', 'Espresso', 'Green_tea', 'Latte 100%']
      assert.deepEqual(await names('sort=name'), byName)
      assert.deepEqual(await names('sort=-name'), [...byName].reverse())
      const byPrice = ['Croissant', 'Espresso', 'Green_tea', 'Latte 100%', "Bob's \\ special"]
      assert.deepEqual(await names('sort=price_cents'), byPrice)
      assert.deepEqual(await names('sort=-price_cents'), [...byPrice].reverse())
      const byStock = ['Latte 100%', "Bob's \\ special", 'Green_tea', 'Espresso', 'Croissant']
      assert.deepEqual(await names('sort=stock'), byStock)
      assert.deepEqual(await names('sort=-stock'), [...byStock].reverse())
    })

    test('filters: category, subcategory, price range, in_stock, combined', async () => {
      assert.deepEqual(await names('category=bakery&sort=name'), ["Bob's \\ special", 'Croissant'])
      assert.deepEqual(await names('subcategory=coffee&sort=name'), ['Espresso', 'Latte 100%'])
      assert.deepEqual(await names('min_price=300&sort=price_cents'), ['Green_tea', 'Latte 100%', "Bob's \\ special"])
      assert.deepEqual(await names('max_price=300&sort=price_cents'), ['Croissant', 'Espresso', 'Green_tea'])
      assert.deepEqual(await names('min_price=250&max_price=400&sort=price_cents'), ['Espresso', 'Green_tea', 'Latte 100%'])
      assert.deepEqual(await names('in_stock=false'), ['Latte 100%'])
      assert.deepEqual(await names('in_stock=true&sort=stock'), ["Bob's \\ special", 'Green_tea', 'Espresso', 'Croissant'])
      assert.deepEqual(await names('category=hot-drinks&in_stock=true&sort=-price_cents'), ['Green_tea', 'Espresso'])
      assert.deepEqual(await names('category=none'), [])
    })

    test('q is a case-insensitive substring; % _ \\ and quotes are literal data', async () => {
      assert.deepEqual(await names('q=LATTE'), ['Latte 100%'])
      assert.deepEqual(await names('q=%25'), ['Latte 100%'])
      assert.deepEqual(await names('q=_'), ['Green_tea'])
      assert.deepEqual(await names('q=%5C'), ["Bob's \\ special"])
      assert.deepEqual(await names("q='"), ["Bob's \\ special"])
      assert.deepEqual(await names(`q=${encodeURIComponent("'; drop table products; --")}`), [])
      assert.equal(await countIn(owner.tenant.id), 5)
    })

    test('pagination: pages, the last page, past the end', async () => {
      const page = async (query: string) => (await call('GET', `${productsUrl(owner)}?sort=name&${query}`, owner)).json()
      const first = await page('page_size=2')
      assert.deepEqual(first.meta, { page: 1, page_size: 2, total: 5, total_pages: 3 })
      assert.deepEqual(first.data.map((p: Product) => p.name), ["Bob's \\ special", 'Croissant'])
      const last = await page('page=3&page_size=2')
      assert.deepEqual(last.meta, { page: 3, page_size: 2, total: 5, total_pages: 3 })
      assert.deepEqual(last.data.map((p: Product) => p.name), ['Latte 100%'])
      const past = await page('page=4&page_size=2')
      assert.deepEqual(past, { data: [], meta: { page: 4, page_size: 2, total: 5, total_pages: 3 }, error: null })
      const filtered = await page('category=bakery&page_size=1&page=2')
      assert.deepEqual(filtered.meta, { page: 2, page_size: 1, total: 2, total_pages: 2 })
    })

    test('unknown parameters, sorts, filter values and page sizes are 422', async () => {
      const cases: Array<[string, string]> = [
        ['page_size=101', '/page_size'], ['page_size=0', '/page_size'], ['page=0', '/page'], ['page=-1', '/page'], ['page=two', '/page'],
        ['sort=tenant_id', '/sort'], ['sort=description', '/sort'], ['sort=', '/sort'], ['colour=red', '/colour'],
        ['in_stock=maybe', '/in_stock'], ['min_price=-1', '/min_price'], ['max_price=ten', '/max_price'],
        ['category=Hot%20Drinks', '/category'], ['q=', '/q'], [`q=${'x'.repeat(101)}`, '/q']
      ]
      for (const [query, field] of cases) {
        const response = await call('GET', `${productsUrl(owner)}?${query}`, owner)
        assert.equal(response.statusCode, 422, query)
        assert.deepEqual(errorFields(response), [field], query)
      }
    })
  })

  test('PATCH is partial: absent keys untouched, null clears, an empty body or a null required field is 422', async () => {
    const product = await create(roles.member, { description: 'Strong', subcategory: 'coffee', sku: `P-${randomUUID()}` })
    const url = `${productsUrl(roles.member)}/${product.id}`

    const stock = await call('PATCH', url, roles.member, { payload: { stock: 7 } })
    assert.equal(stock.statusCode, 200)
    assert.equal(stock.headers.etag, '"2"')
    assert.deepEqual(stock.json().data, { ...product, stock: 7, updated_at: stock.json().data.updated_at })

    const cleared = (await call('PATCH', url, roles.member, { payload: { description: null, sku: null } })).json().data
    assert.equal(cleared.description, null)
    assert.equal(cleared.sku, null)
    assert.equal(cleared.subcategory, 'coffee')
    assert.equal(cleared.stock, 7)

    const before = await row(product.id)
    for (const [payload, fields] of [
      [{}, ['/']], [{ name: null }, ['/name']], [{ price_cents: '5' }, ['/price_cents']], [{ stock: -1 }, ['/stock']],
      [{ id: randomUUID() }, ['/id']], [{ created_by: roles.guest.user.id }, ['/created_by']], [{ name: '' }, ['/name']]
    ] as Array<[object, string[]]>) {
      const response = await call('PATCH', url, roles.member, { payload })
      assert.equal(response.statusCode, 422, JSON.stringify(payload))
      assert.deepEqual(errorFields(response), fields, JSON.stringify(payload))
    }
    assert.deepEqual(await row(product.id), before)
  })

  test('ETag: If-None-Match gives 304; a stale If-Match gives 412 and changes nothing', async () => {
    const product = await create(roles.member)
    const url = `${productsUrl(roles.member)}/${product.id}`
    const notModified = await call('GET', url, roles.member, { headers: { 'if-none-match': '"1"' } })
    assert.equal(notModified.statusCode, 304)
    assert.equal(notModified.body, '')
    assert.equal(notModified.headers.etag, '"1"')
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': 'W/"1"' } })).statusCode, 304)
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': '"7", "1"' } })).statusCode, 304)
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': '"2"' } })).statusCode, 200)

    const updated = await call('PATCH', url, roles.member, { payload: { stock: 1 }, headers: { 'if-match': '"1"' } })
    assert.equal(updated.statusCode, 200)
    assert.equal(updated.headers.etag, '"2"')
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': '"1"' } })).statusCode, 200)

    for (const ifMatch of ['"1"', 'W/"2"', 'garbage']) {
      const stale = await call('PATCH', url, roles.member, { payload: { stock: 99 }, headers: { 'if-match': ifMatch } })
      assert.equal(stale.statusCode, 412, ifMatch)
      assert.equal(stale.json().error.code, 'PRECONDITION_FAILED')
    }
    const staleDelete = await call('DELETE', url, roles.member, { headers: { 'if-match': '"1"' } })
    assert.equal(staleDelete.statusCode, 412)
    const stored = await row(product.id)
    assert.equal(stored?.stock, 1)
    assert.equal(stored?.version, 2)

    assert.equal((await call('PATCH', url, roles.member, { payload: { stock: 2 }, headers: { 'if-match': '"1", "2"' } })).statusCode, 200)
    assert.equal((await call('PATCH', url, roles.member, { payload: { stock: 3 }, headers: { 'if-match': '*' } })).statusCode, 200)
    const deleted = await call('DELETE', url, roles.member, { headers: { 'if-match': '"4"' } })
    assert.equal(deleted.statusCode, 204)
    assert.equal(deleted.body, '')
    const gone = await call('GET', url, roles.member)
    assert.equal(gone.statusCode, 404)
    assert.equal(gone.json().error.code, 'PRODUCT_NOT_FOUND')
    assert.equal((await call('DELETE', url, roles.member)).statusCode, 404)
    assert.equal((await call('PATCH', url, roles.member, { payload: { stock: 1 }, headers: { 'if-match': '*' } })).statusCode, 404)
  })

  test('two updates from the same ETag: one wins, the other gets 412', async () => {
    const product = await create(roles.member)
    const url = `${productsUrl(roles.member)}/${product.id}`
    const results = await Promise.all([11, 12].map(async (stock) => await call('PATCH', url, roles.member, { payload: { stock }, headers: { 'if-match': '"1"' } })))
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 412])
    const winner = results.find((r) => r.statusCode === 200)?.json().data.stock
    const stored = await row(product.id)
    assert.equal(stored?.stock, winner)
    assert.equal(stored?.version, 2)
  })

  test('roles: guests read only; members change only their own; admins and owners change any', async () => {
    const url = productsUrl(roles.owner)
    const byAdmin = await create(roles.admin, { name: 'Admin made' })
    const byMember = await create(roles.member, { name: 'Member made' })
    const count = await countIn(roles.owner.tenant.id)

    assert.equal((await call('GET', url, roles.guest)).statusCode, 200)
    assert.equal((await call('GET', `${url}/${byAdmin.id}`, roles.guest)).statusCode, 200)
    const guestCreate = await call('POST', url, roles.guest, { payload: { name: 'x', price_cents: 1, stock: 1, category: 'x' } })
    assert.equal(guestCreate.statusCode, 403)
    assert.equal(guestCreate.json().error.code, 'FORBIDDEN')
    assert.equal((await call('PATCH', `${url}/${byMember.id}`, roles.guest, { payload: { stock: 0 } })).statusCode, 403)
    assert.equal((await call('DELETE', `${url}/${byMember.id}`, roles.guest)).statusCode, 403)

    const others = await call('PATCH', `${url}/${byAdmin.id}`, roles.member, { payload: { stock: 0 } })
    assert.equal(others.statusCode, 403)
    assert.equal(others.json().error.code, 'FORBIDDEN')
    assert.equal((await call('DELETE', `${url}/${byAdmin.id}`, roles.member)).statusCode, 403)
    // Ownership is checked before the ETag, so a member learns nothing from If-Match on others' items.
    assert.equal((await call('PATCH', `${url}/${byAdmin.id}`, roles.member, { payload: { stock: 0 }, headers: { 'if-match': '"9"' } })).statusCode, 403)
    assert.equal(await countIn(roles.owner.tenant.id), count)
    assert.equal((await row(byAdmin.id))?.version, 1)
    assert.equal((await row(byMember.id))?.version, 1)

    assert.equal((await call('PATCH', `${url}/${byMember.id}`, roles.member, { payload: { stock: 1 } })).statusCode, 200)
    assert.equal((await call('PATCH', `${url}/${byMember.id}`, roles.admin, { payload: { stock: 2 } })).statusCode, 200)
    assert.equal((await call('PATCH', `${url}/${byAdmin.id}`, roles.owner, { payload: { stock: 3 } })).statusCode, 200)
    assert.equal((await call('DELETE', `${url}/${byMember.id}`, roles.admin)).statusCode, 204)
    assert.equal((await call('DELETE', `${url}/${byAdmin.id}`, roles.owner)).statusCode, 204)
    assert.equal(await countIn(roles.owner.tenant.id), count - 2)
  })

  test("another tenant's products: 404 under your tenant, 403 TENANT_MISMATCH under theirs, never changed", async () => {
    const mine = await registerUser(context.app)
    const theirs = await registerUser(context.app, { tenant_name: 'Their Shop' })
    const their = await create(theirs, { name: 'Their secret product', sku: 'THEIR-SKU' })
    const before = await row(their.id)

    const missing = await call('GET', `${productsUrl(mine)}/${randomUUID()}`, mine)
    for (const [method, options] of [['GET', {}], ['PATCH', { payload: { stock: 0 } }], ['DELETE', {}]] as const) {
      const response = await call(method, `${productsUrl(mine)}/${their.id}`, mine, options)
      assert.equal(response.statusCode, 404, method)
      assert.deepEqual({ ...response.json().error, request_id: null }, { ...missing.json().error, request_id: null })
    }
    assert.deepEqual((await call('GET', `${productsUrl(mine)}?q=secret`, mine)).json().data, [])

    const attempts: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?]> = [
      ['GET', productsUrl(theirs)], ['POST', productsUrl(theirs), { name: 'x', price_cents: 1, stock: 1, category: 'x' }],
      ['GET', `${productsUrl(theirs)}/${their.id}`], ['PATCH', `${productsUrl(theirs)}/${their.id}`, { stock: 0 }],
      ['DELETE', `${productsUrl(theirs)}/${their.id}`]
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
