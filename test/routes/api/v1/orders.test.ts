import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct, stockOf, type Location } from '#test/helpers/catalogue.js'
import { bearer, registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'
import { orderAction, orderCounts, ordersUrl, placeOrder } from '#test/helpers/orders.js'

type Roles = Record<'owner' | 'admin' | 'member' | 'guest', TestSession>

describe('orders', () => {
  const context = useTestApp()
  let roles: Roles
  let location: Location
  let outsider: TestSession
  before(async () => {
    roles = await tenantWithRoles(context.app)
    location = await createLocation(context.app, roles.owner)
    outsider = await registerUser(context.app, { tenant_name: 'Other Tenant' })
  })
  const get = (session: TestSession, url: string, headers: Record<string, string> = {}) =>
    context.app.inject({ method: 'GET', url, headers: { ...bearer(session), ...headers } })

  /** Asserts that a refused request changed nothing: same order rows, same stock. */
  async function assertNothingChanged (before: { orders: number, items: number }, stock: Record<string, number>): Promise<void> {
    const after = await orderCounts(context.app, roles.owner.tenant.id)
    assert.equal(after.orders, before.orders, 'no order row was written')
    assert.equal(after.items, before.items, 'no order line was written')
    assert.deepEqual(await stockOf(context.app, ...Object.keys(stock)), stock, 'stock is unchanged')
  }

  describe('placing an order', () => {
    test('prices and totals come from the products; stock is taken; lines keep their order', async () => {
      const coffee = await createProduct(context.app, roles.owner, { name: 'Coffee', price_cents: 350, stock: 10 })
      const cake = await createProduct(context.app, roles.owner, { name: 'Cake', price_cents: 1999, stock: 3 })
      const response = await placeOrder(context.app, roles.member, location.id, {
        items: [{ product_id: cake.id, quantity: 3 }, { product_id: coffee.id, quantity: 2 }],
        note: 'no sugar',
        customer_ref: 'table-7'
      })
      assert.equal(response.statusCode, 201, response.body)
      const order = response.json().data
      assert.equal(response.headers.location, `${ordersUrl(roles.member)}/${order.id}`)
      assert.equal(order.status, 'open')
      assert.equal(order.location_id, location.id)
      assert.equal(order.currency, 'USD')
      assert.equal(order.created_by, roles.member.user.id)
      assert.equal(order.subtotal_cents, 3 * 1999 + 2 * 350)
      assert.equal(order.total_cents, 3 * 1999 + 2 * 350)
      assert.equal(order.item_count, 2)
      assert.equal(order.note, 'no sugar')
      assert.equal(order.customer_ref, 'table-7')
      assert.deepEqual(order.items, [
        { product_id: cake.id, product_name: 'Cake', quantity: 3, unit_price_cents: 1999, line_total_cents: 5997 },
        { product_id: coffee.id, product_name: 'Coffee', quantity: 2, unit_price_cents: 350, line_total_cents: 700 }
      ])
      assert.match(order.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      assert.deepEqual(await stockOf(context.app, coffee.id, cake.id), { [coffee.id]: 8, [cake.id]: 0 })

      // A later price change does not touch the order: the line kept its own copy.
      await context.app.db.updateTable('products').set({ price_cents: 1, name: 'Renamed' }).where('id', '=', cake.id).execute()
      const read = await get(roles.guest, `${ordersUrl(roles.guest)}/${order.id}`)
      assert.equal(read.statusCode, 200)
      assert.deepEqual(read.json().data, order)
      assert.equal(read.headers.etag, '"1"')
      assert.equal((await get(roles.guest, `${ordersUrl(roles.guest)}/${order.id}`, { 'if-none-match': '"1"' })).statusCode, 304)
    })

    test('large quantities and prices stay exact (bigint totals)', async () => {
      const gold = await createProduct(context.app, roles.owner, { price_cents: 2147483647, stock: 10000 })
      const response = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: gold.id, quantity: 10000 }] })
      assert.equal(response.statusCode, 201, response.body)
      assert.equal(response.json().data.total_cents, 21474836470000)
      const row = await context.app.db.selectFrom('orders').select('total_cents').where('id', '=', response.json().data.id).executeTakeFirstOrThrow()
      assert.equal(row.total_cents, 21474836470000)
    })

    test('a client-sent price or total is refused as an unknown field, and nothing is written', async () => {
      const product = await createProduct(context.app, roles.owner, { stock: 5 })
      const counts = await orderCounts(context.app, roles.owner.tenant.id)
      const withPrice = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: product.id, quantity: 1, unit_price_cents: 1 }] })
      assert.equal(withPrice.statusCode, 422)
      assert.deepEqual(withPrice.json().error.details, [{ field: '/items/0/unit_price_cents', message: 'is not an allowed property' }])
      const withTotal = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: product.id, quantity: 1 }], total_cents: 1 })
      assert.equal(withTotal.statusCode, 422)
      assert.equal(withTotal.json().error.details[0].field, '/total_cents')
      await assertNothingChanged(counts, { [product.id]: 5 })
    })

    test('bad item lists are 422 with the offending field, and nothing is written', async () => {
      const product = await createProduct(context.app, roles.owner, { stock: 5 })
      const other = await createProduct(context.app, roles.owner, { stock: 5 })
      const counts = await orderCounts(context.app, roles.owner.tenant.id)
      const tooMany = Array.from({ length: 101 }, () => ({ product_id: randomUUID(), quantity: 1 }))
      const cases: Array<[string, unknown, string]> = [
        ['empty list', { items: [] }, '/items'],
        ['no items', {}, '/items'],
        ['101 items', { items: tooMany }, '/items'],
        ['zero quantity', { items: [{ product_id: product.id, quantity: 0 }] }, '/items/0/quantity'],
        ['negative quantity', { items: [{ product_id: product.id, quantity: -2 }] }, '/items/0/quantity'],
        ['quantity over 10,000', { items: [{ product_id: product.id, quantity: 10001 }] }, '/items/0/quantity'],
        ['fractional quantity', { items: [{ product_id: product.id, quantity: 1.5 }] }, '/items/0/quantity'],
        ['quantity as a string', { items: [{ product_id: product.id, quantity: '1' }] }, '/items/0/quantity'],
        ['malformed product id', { items: [{ product_id: 'abc', quantity: 1 }] }, '/items/0/product_id'],
        ['duplicate product', { items: [{ product_id: product.id, quantity: 1 }, { product_id: other.id, quantity: 1 }, { product_id: product.id, quantity: 2 }] }, '/items/2/product_id'],
        ['unknown product', { items: [{ product_id: product.id, quantity: 1 }, { product_id: randomUUID(), quantity: 1 }] }, '/items/1/product_id']
      ]
      for (const [name, payload, field] of cases) {
        const response = await placeOrder(context.app, roles.member, location.id, payload)
        assert.equal(response.statusCode, 422, `${name}: ${response.body}`)
        const { error } = response.json()
        assert.equal(error.code, 'INVALID_INPUT', name)
        assert.ok(error.details.some((detail: { field: string }) => detail.field === field), `${name}: ${JSON.stringify(error.details)}`)
      }
      await assertNothingChanged(counts, { [product.id]: 5, [other.id]: 5 })
    })

    test("another tenant's product is 422 and its stock is untouched; another tenant's location is 404", async () => {
      const mine = await createProduct(context.app, roles.owner, { stock: 5 })
      const theirs = await createProduct(context.app, outsider, { stock: 5 })
      const theirLocation = await createLocation(context.app, outsider)
      const counts = await orderCounts(context.app, roles.owner.tenant.id)

      const foreignProduct = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: mine.id, quantity: 1 }, { product_id: theirs.id, quantity: 1 }] })
      assert.equal(foreignProduct.statusCode, 422)
      assert.deepEqual(foreignProduct.json().error.details, [{ field: '/items/1/product_id', message: 'no product with this id exists in this tenant' }])

      const foreignLocation = await placeOrder(context.app, roles.member, theirLocation.id, { items: [{ product_id: mine.id, quantity: 1 }] })
      assert.equal(foreignLocation.statusCode, 404)
      assert.equal(foreignLocation.json().error.code, 'LOCATION_NOT_FOUND')
      const unknownLocation = await placeOrder(context.app, roles.member, randomUUID(), { items: [{ product_id: mine.id, quantity: 1 }] })
      assert.equal(unknownLocation.json().error.code, 'LOCATION_NOT_FOUND')
      assert.equal((await placeOrder(context.app, roles.member, 'not-a-uuid', { items: [{ product_id: mine.id, quantity: 1 }] })).statusCode, 422)

      // The other tenant's own path is closed to this token altogether.
      const crossTenant = await context.app.inject({ method: 'POST', url: ordersUrl(outsider, theirLocation.id), headers: bearer(roles.member), payload: { items: [{ product_id: theirs.id, quantity: 1 }] } })
      assert.equal(crossTenant.statusCode, 403)
      assert.equal(crossTenant.json().error.code, 'TENANT_MISMATCH')

      await assertNothingChanged(counts, { [mine.id]: 5, [theirs.id]: 5 })
      assert.deepEqual(await orderCounts(context.app, outsider.tenant.id), { orders: 0, items: 0, quantity: 0 })
    })

    test('products priced in different currencies cannot share an order', async () => {
      const dollars = await createProduct(context.app, roles.owner, { stock: 5, currency: 'USD' })
      const euros = await createProduct(context.app, roles.owner, { stock: 5, currency: 'EUR' })
      const counts = await orderCounts(context.app, roles.owner.tenant.id)
      const response = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: dollars.id, quantity: 1 }, { product_id: euros.id, quantity: 1 }] })
      assert.equal(response.statusCode, 422)
      assert.deepEqual(response.json().error.details, [{ field: '/items/1/product_id', message: 'is priced in EUR, but the order is in USD (from /items/0)' }])
      await assertNothingChanged(counts, { [dollars.id]: 5, [euros.id]: 5 })
      const euroOrder = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: euros.id, quantity: 1 }] })
      assert.equal(euroOrder.json().data.currency, 'EUR')
    })

    test('any short line refuses the whole order with 409 INSUFFICIENT_STOCK naming every short product', async () => {
      const plenty = await createProduct(context.app, roles.owner, { stock: 50 })
      const few = await createProduct(context.app, roles.owner, { stock: 2 })
      const none = await createProduct(context.app, roles.owner, { stock: 0 })
      const counts = await orderCounts(context.app, roles.owner.tenant.id)
      const response = await placeOrder(context.app, roles.member, location.id, {
        items: [{ product_id: plenty.id, quantity: 10 }, { product_id: few.id, quantity: 3 }, { product_id: none.id, quantity: 1 }]
      })
      assert.equal(response.statusCode, 409)
      const { error } = response.json()
      assert.equal(error.code, 'INSUFFICIENT_STOCK')
      assert.deepEqual(error.details, [
        { field: '/items/1/quantity', message: 'only 2 in stock', product_id: few.id, requested: 3, available: 2 },
        { field: '/items/2/quantity', message: 'only 0 in stock', product_id: none.id, requested: 1, available: 0 }
      ])
      await assertNothingChanged(counts, { [plenty.id]: 50, [few.id]: 2, [none.id]: 0 })

      // Exactly the available stock is fine.
      const exact = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: few.id, quantity: 2 }] })
      assert.equal(exact.statusCode, 201)
      assert.deepEqual(await stockOf(context.app, few.id), { [few.id]: 0 })
    })

    test('a product that orders refer to cannot be deleted (409 PRODUCT_IN_USE); the order keeps its lines', async () => {
      const product = await createProduct(context.app, roles.owner, { stock: 5 })
      const placed = await placeOrder(context.app, roles.member, location.id, { items: [{ product_id: product.id, quantity: 1 }] })
      assert.equal(placed.statusCode, 201)
      const deleted = await context.app.inject({ method: 'DELETE', url: `/api/v1/tenants/${roles.owner.tenant.id}/products/${product.id}`, headers: bearer(roles.owner) })
      assert.equal(deleted.statusCode, 409)
      assert.equal(deleted.json().error.code, 'PRODUCT_IN_USE')
      assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 4 })
    })

    test('a location with orders cannot be deleted (409 LOCATION_IN_USE); it still exists', async () => {
      const product = await createProduct(context.app, roles.owner, { stock: 5 })
      const shop = await createLocation(context.app, roles.owner, {})
      assert.equal((await placeOrder(context.app, roles.member, shop.id, { items: [{ product_id: product.id, quantity: 1 }] })).statusCode, 201)
      const deleted = await context.app.inject({ method: 'DELETE', url: `/api/v1/tenants/${roles.owner.tenant.id}/locations/${shop.id}`, headers: bearer(roles.owner) })
      assert.equal(deleted.statusCode, 409)
      assert.equal(deleted.json().error.code, 'LOCATION_IN_USE')
      const still = await context.app.db.selectFrom('locations').select('id').where('id', '=', shop.id).execute()
      assert.equal(still.length, 1)
    })

    test('guests cannot order; an inactive location takes no orders', async () => {
      const product = await createProduct(context.app, roles.owner, { stock: 5 })
      const closed = await createLocation(context.app, roles.owner, { active: false })
      const counts = await orderCounts(context.app, roles.owner.tenant.id)
      const guest = await placeOrder(context.app, roles.guest, location.id, { items: [{ product_id: product.id, quantity: 1 }] })
      assert.equal(guest.statusCode, 403)
      const inactive = await placeOrder(context.app, roles.member, closed.id, { items: [{ product_id: product.id, quantity: 1 }] })
      assert.equal(inactive.statusCode, 409)
      assert.equal(inactive.json().error.code, 'LOCATION_INACTIVE')
      await assertNothingChanged(counts, { [product.id]: 5 })
      const unauthenticated = await context.app.inject({ method: 'POST', url: ordersUrl(roles.member, location.id), payload: { items: [{ product_id: product.id, quantity: 1 }] } })
      assert.equal(unauthenticated.statusCode, 401)
    })
  })

  describe('voiding and paying', () => {
    async function openOrder (session: TestSession, quantity = 2): Promise<{ orderId: string, productId: string }> {
      const product = await createProduct(context.app, roles.owner, { stock: 10 })
      const response = await placeOrder(context.app, session, location.id, { items: [{ product_id: product.id, quantity }] })
      assert.equal(response.statusCode, 201, response.body)
      return { orderId: response.json().data.id, productId: product.id }
    }

    test('a void restores the stock and records who, when and why; voiding again is 409', async () => {
      const { orderId, productId } = await openOrder(roles.member, 4)
      assert.deepEqual(await stockOf(context.app, productId), { [productId]: 6 })
      const voided = await orderAction(context.app, roles.member, orderId, 'void', { reason: '  customer left  ' })
      assert.equal(voided.statusCode, 200, voided.body)
      const order = voided.json().data
      assert.equal(order.status, 'voided')
      assert.equal(order.voided_by, roles.member.user.id)
      assert.equal(order.void_reason, 'customer left')
      assert.ok(order.voided_at >= order.created_at)
      assert.equal(order.items.length, 1)
      assert.deepEqual(await stockOf(context.app, productId), { [productId]: 10 })

      const again = await orderAction(context.app, roles.admin, orderId, 'void', { reason: 'twice' })
      assert.equal(again.statusCode, 409)
      assert.equal(again.json().error.code, 'ORDER_ALREADY_VOIDED')
      assert.deepEqual(await stockOf(context.app, productId), { [productId]: 10 })
      const row = await context.app.db.selectFrom('orders').select(['status', 'void_reason', 'version']).where('id', '=', orderId).executeTakeFirstOrThrow()
      assert.deepEqual(row, { status: 'voided', void_reason: 'customer left', version: 2 })

      const paid = await orderAction(context.app, roles.member, orderId, 'pay')
      assert.equal(paid.statusCode, 409)
      assert.equal(paid.json().error.code, 'ORDER_VOIDED')
    })

    test('void input and targets: missing reason 422, unknown order 404, malformed id 422', async () => {
      const { orderId, productId } = await openOrder(roles.member)
      for (const payload of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 'ok', extra: 1 }]) {
        const response = await orderAction(context.app, roles.member, orderId, 'void', payload)
        assert.equal(response.statusCode, 422, JSON.stringify(payload))
      }
      const missing = await orderAction(context.app, roles.admin, randomUUID(), 'void', { reason: 'x' })
      assert.equal(missing.statusCode, 404)
      assert.equal(missing.json().error.code, 'ORDER_NOT_FOUND')
      assert.equal((await orderAction(context.app, roles.admin, 'nope', 'void', { reason: 'x' })).statusCode, 422)
      assert.equal((await context.app.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status, 'open')
      assert.deepEqual(await stockOf(context.app, productId), { [productId]: 8 })
    })

    test('members void and pay only their own orders; only admins void paid orders; guests do neither', async () => {
      const mine = await openOrder(roles.member)
      const owners = await openOrder(roles.owner)
      for (const [session, orderId, action] of [
        [roles.member, owners.orderId, 'void'], [roles.member, owners.orderId, 'pay'],
        [roles.guest, mine.orderId, 'void'], [roles.guest, mine.orderId, 'pay']
      ] as const) {
        const response = await orderAction(context.app, session, orderId, action, action === 'void' ? { reason: 'x' } : undefined)
        assert.equal(response.statusCode, 403, `${session.role} ${action}`)
      }
      const paid = await orderAction(context.app, roles.member, mine.orderId, 'pay')
      assert.equal(paid.statusCode, 200, paid.body)
      assert.equal(paid.json().data.status, 'paid')
      assert.equal(paid.json().data.paid_by, roles.member.user.id)
      assert.ok(paid.json().data.paid_at !== null)
      assert.equal((await orderAction(context.app, roles.member, mine.orderId, 'pay')).json().error.code, 'ORDER_ALREADY_PAID')

      const memberVoidsPaid = await orderAction(context.app, roles.member, mine.orderId, 'void', { reason: 'refund' })
      assert.equal(memberVoidsPaid.statusCode, 403)
      assert.deepEqual(await stockOf(context.app, mine.productId), { [mine.productId]: 8 })

      const adminVoidsPaid = await orderAction(context.app, roles.admin, mine.orderId, 'void', { reason: 'refund' })
      assert.equal(adminVoidsPaid.statusCode, 200)
      assert.equal(adminVoidsPaid.json().data.status, 'voided')
      assert.equal(adminVoidsPaid.json().data.voided_by, roles.admin.user.id)
      assert.ok(adminVoidsPaid.json().data.paid_at !== null, 'a voided paid order keeps its payment record')
      assert.deepEqual(await stockOf(context.app, mine.productId), { [mine.productId]: 10 })

      const adminPaysOthers = await orderAction(context.app, roles.admin, owners.orderId, 'pay', {})
      assert.equal(adminPaysOthers.statusCode, 200)
      assert.equal((await orderAction(context.app, roles.admin, randomUUID(), 'pay')).statusCode, 404)
      assert.equal((await orderAction(context.app, roles.admin, owners.orderId, 'pay', { amount: 1 })).statusCode, 422)
    })

    test("another tenant's order is 404 through this tenant's path", async () => {
      const theirLocation = await createLocation(context.app, outsider)
      const theirProduct = await createProduct(context.app, outsider, { stock: 3 })
      const theirOrder = (await placeOrder(context.app, outsider, theirLocation.id, { items: [{ product_id: theirProduct.id, quantity: 1 }] })).json().data
      assert.equal((await get(roles.owner, `${ordersUrl(roles.owner)}/${theirOrder.id}`)).statusCode, 404)
      assert.equal((await orderAction(context.app, roles.owner, theirOrder.id, 'void', { reason: 'x' })).statusCode, 404)
      assert.equal((await orderAction(context.app, roles.owner, theirOrder.id, 'pay')).statusCode, 404)
      const row = await context.app.db.selectFrom('orders').select('status').where('id', '=', theirOrder.id).executeTakeFirstOrThrow()
      assert.equal(row.status, 'open')
      assert.deepEqual(await stockOf(context.app, theirProduct.id), { [theirProduct.id]: 2 })
    })
  })
})
