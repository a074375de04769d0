import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { uuidv7 } from '#db/ids.js'
import { insertProduct } from '#db/queries/product-inserts.js'
import { tenantScope } from '#db/tenant-scope.js'
import { useTestApp } from '#test/helpers/app.js'
import { registerUser, type TestSession } from '#test/helpers/identity.js'
import { requester } from '#test/helpers/requests.js'

/**
 * Concurrent product creations share insert statements (db/queries/product-inserts.ts): each
 * request must still get exactly its own row, in its own tenant, and its own error.
 */
describe('product writes under concurrency', () => {
  const context = useTestApp()
  const call = requester(() => context.app)
  const productsUrl = (session: TestSession) => `/api/v1/tenants/${session.tenant.id}/products`
  const create = async (session: TestSession, payload: Record<string, unknown>) =>
    await call('POST', productsUrl(session), session, { payload: { price_cents: 100, stock: 1, category: 'load', ...payload } })

  /** The tenant's total as the list reports it, and the rows actually in the table. */
  async function totals (session: TestSession): Promise<{ listed: number, rows: number, slots: number }> {
    const listed = (await call('GET', `${productsUrl(session)}?page_size=1`, session)).json().meta.total
    const rows = await context.app.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', session.tenant.id).executeTakeFirstOrThrow()
    const slots = await context.app.db.selectFrom('product_counts').select(sql<number>`coalesce(sum(total), 0)::bigint`.as('n')).where('tenant_id', '=', session.tenant.id).executeTakeFirstOrThrow()
    return { listed, rows: rows.n, slots: slots.n }
  }

  test('60 creations at once in two tenants: every row in its own tenant, with its own data, and the totals exact', async () => {
    const [first, second] = [await registerUser(context.app), await registerUser(context.app)]
    assert.equal((await call('PATCH', `/api/v1/tenants/${second.tenant.id}`, second, { payload: { currency: 'EUR' } })).statusCode, 200)
    const sessions = Array.from({ length: 60 }, (_, index) => index % 2 === 0 ? first : second)
    const responses = await Promise.all(sessions.map(async (session, index) => await create(session, { name: `Item ${index}`, price_cents: 1000 + index })))
    responses.forEach((response, index) => {
      assert.equal(response.statusCode, 201, response.body)
      const product = response.json().data
      assert.equal(product.name, `Item ${index}`)
      assert.equal(product.price_cents, 1000 + index)
      assert.equal(product.currency, index % 2 === 0 ? 'USD' : 'EUR', 'the currency of the creator\'s own tenant')
      assert.equal(product.created_by, sessions[index]!.user.id)
      assert.equal(response.headers.location, `${productsUrl(sessions[index]!)}/${product.id}`)
    })
    const stored = await context.app.db.selectFrom('products').select(['id', 'tenant_id', 'name']).where('id', 'in', responses.map((response) => response.json().data.id)).execute()
    assert.equal(stored.length, 60)
    for (const row of stored) {
      const index = Number(row.name.slice('Item '.length))
      assert.equal(row.tenant_id, sessions[index]!.tenant.id)
    }
    assert.deepEqual(await totals(first), { listed: 30, rows: 30, slots: 30 })
    assert.deepEqual(await totals(second), { listed: 30, rows: 30, slots: 30 })
  })

  test('the same SKU sent many times at once: one 201, the others 409 SKU_TAKEN, and one row', async () => {
    const owner = await registerUser(context.app)
    const responses = await Promise.all(Array.from({ length: 20 }, async (_, index) => await create(owner, { name: `Copy ${index}`, sku: 'SAME-SKU' })))
    const statuses = responses.map((response) => response.statusCode).sort()
    assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)])
    for (const response of responses.filter((each) => each.statusCode === 409)) assert.equal(response.json().error.code, 'SKU_TAKEN')
    assert.deepEqual(await totals(owner), { listed: 1, rows: 1, slots: 1 })
  })

  test('a write that fails inside a shared statement fails alone', async () => {
    const owner = await registerUser(context.app)
    // A creator that does not exist breaks the created_by foreign key, which the batch statement
    // cannot skip: only that row's caller may see the error.
    const broken = async (index: number) => await insertProduct(context.app.db, tenantScope(owner.tenant.id), {
      id: uuidv7(), name: `Broken ${index}`, description: null, price_cents: 1, currency: null, stock: 1, category: 'load', subcategory: null, sku: null, created_by: uuidv7()
    })
    const results = await Promise.allSettled(Array.from({ length: 20 }, async (_, index) => index % 4 === 0 ? await broken(index) : await create(owner, { name: `Mixed ${index}` })))
    results.forEach((result, index) => {
      if (index % 4 === 0) assert.equal(result.status, 'rejected', 'the broken row failed')
      else assert.equal(result.status === 'fulfilled' ? (result.value as { statusCode: number }).statusCode : 0, 201)
    })
    assert.deepEqual(await totals(owner), { listed: 15, rows: 15, slots: 15 })
  })

  test('deletes take products off the total; a page past the end still reports it', async () => {
    const owner = await registerUser(context.app)
    const ids = await Promise.all(Array.from({ length: 8 }, async (_, index) => (await create(owner, { name: `Gone ${index}` })).json().data.id as string))
    const deletes = await Promise.all(ids.slice(0, 5).map(async (id) => await call('DELETE', `${productsUrl(owner)}/${id}`, owner)))
    assert.deepEqual(deletes.map((response) => response.statusCode), [204, 204, 204, 204, 204])
    assert.equal((await call('DELETE', `${productsUrl(owner)}/${ids[0]!}`, owner)).statusCode, 404)
    assert.deepEqual(await totals(owner), { listed: 3, rows: 3, slots: 3 })
    const past = await call('GET', `${productsUrl(owner)}?page=9&page_size=2`, owner)
    assert.deepEqual(past.json().meta, { page: 9, page_size: 2, total: 3, total_pages: 2 })
  })
})
