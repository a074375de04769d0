import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct, stockOf, type Location } from '#test/helpers/catalogue.js'
import { registerUser, type TestSession } from '#test/helpers/identity.js'
import { orderAction, orderCounts, placeOrder } from '#test/helpers/orders.js'

/** Units of a product in orders that are not voided, straight from the tables. */
async function unitsSold (context: { app: import('fastify').FastifyInstance }, productId: string): Promise<number> {
  const row = await context.app.db.selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('order_items.quantity'), eb.lit(0)).as('units'))
    .where('order_items.product_id', '=', productId).where('orders.status', '!=', 'voided')
    .executeTakeFirstOrThrow()
  return Number(row.units)
}

describe('orders under concurrency', () => {
  const context = useTestApp()
  let owner: TestSession
  let location: Location
  before(async () => {
    owner = await registerUser(context.app)
    location = await createLocation(context.app, owner)
  })

  test('50 concurrent orders for a product with stock 20: exactly 20 sold, 30 refused, stock 0', async (t) => {
    const product = await createProduct(context.app, owner, { stock: 20 })
    const started = performance.now()
    const responses = await Promise.all(Array.from({ length: 50 }, () =>
      placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] })))
    const elapsed = performance.now() - started
    const statuses = responses.map((response) => response.statusCode)
    assert.equal(statuses.filter((status) => status === 201).length, 20, statuses.join(','))
    assert.equal(statuses.filter((status) => status === 409).length, 30, statuses.join(','))
    for (const refused of responses.filter((response) => response.statusCode === 409)) {
      const { error } = refused.json()
      assert.equal(error.code, 'INSUFFICIENT_STOCK')
      assert.deepEqual(error.details, [{ field: '/items/0/quantity', message: 'only 0 in stock', product_id: product.id, requested: 1, available: 0 }])
    }
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 0 })
    assert.equal(await unitsSold(context, product.id), 20)
    assert.deepEqual(await orderCounts(context.app, owner.tenant.id), { orders: 20, items: 20, quantity: 20 })
    const ids = new Set(responses.filter((r) => r.statusCode === 201).map((r) => r.json().data.id))
    assert.equal(ids.size, 20)
    t.diagnostic(`50 concurrent orders: 20 x 201, 30 x 409, stock 0, in ${Math.round(elapsed)} ms`)
  })

  test('orders over the same products in opposite line order neither deadlock nor oversell', async () => {
    const a = await createProduct(context.app, owner, { stock: 30 })
    const b = await createProduct(context.app, owner, { stock: 30 })
    const c = await createProduct(context.app, owner, { stock: 30 })
    const shapes = [
      [{ product_id: a.id, quantity: 2 }, { product_id: b.id, quantity: 1 }, { product_id: c.id, quantity: 1 }],
      [{ product_id: c.id, quantity: 1 }, { product_id: b.id, quantity: 2 }, { product_id: a.id, quantity: 1 }],
      [{ product_id: b.id, quantity: 3 }, { product_id: a.id, quantity: 1 }],
      [{ product_id: c.id, quantity: 2 }, { product_id: a.id, quantity: 1 }]
    ]
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      placeOrder(context.app, owner, location.id, { items: shapes[i % shapes.length] })))
    const statuses = responses.map((response) => response.statusCode)
    assert.ok(statuses.every((status) => status === 201 || status === 409), `no 500 or 503 (deadlock, timeout): ${statuses.join(',')}`)
    assert.ok(statuses.includes(201) && statuses.includes(409), 'the stock ran out part of the way')

    // Every unit that left the stock is in exactly one order line, and no stock went below zero.
    const stock = await stockOf(context.app, a.id, b.id, c.id)
    for (const product of [a, b, c]) {
      assert.ok(stock[product.id]! >= 0)
      assert.equal(30 - stock[product.id]!, await unitsSold(context, product.id), `units of ${product.name}`)
    }
    const sold = responses.filter((response) => response.statusCode === 201)
      .flatMap((response) => response.json().data.items as Array<{ product_id: string, quantity: number }>)
    for (const product of [a, b, c]) {
      const fromResponses = sold.filter((line) => line.product_id === product.id).reduce((sum, line) => sum + line.quantity, 0)
      assert.equal(fromResponses, 30 - stock[product.id]!)
    }
  })

  test('voids racing with new orders and with each other give every unit back exactly once', async () => {
    const product = await createProduct(context.app, owner, { stock: 10 })
    const placed = await Promise.all(Array.from({ length: 5 }, () =>
      placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 2 }] })))
    const orderIds: string[] = placed.map((response) => response.json().data.id)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 0 })

    // Each order voided three times at once, while 10 new single-unit orders compete for the stock.
    const [voids, orders] = await Promise.all([
      Promise.all(orderIds.flatMap((id) => [1, 2, 3].map(() => orderAction(context.app, owner, id, 'void', { reason: 'race' })))),
      Promise.all(Array.from({ length: 10 }, () => placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] })))
    ])
    const voidStatuses = voids.map((response) => response.statusCode)
    assert.equal(voidStatuses.filter((status) => status === 200).length, 5, voidStatuses.join(','))
    assert.equal(voidStatuses.filter((status) => status === 409).length, 10, voidStatuses.join(','))
    const newOrders = orders.filter((response) => response.statusCode === 201).length
    assert.ok(orders.every((response) => response.statusCode === 201 || response.statusCode === 409))

    const stock = (await stockOf(context.app, product.id))[product.id]!
    assert.equal(stock, 10 - newOrders)
    assert.equal(await unitsSold(context, product.id), newOrders)
    const statuses = await context.app.db.selectFrom('orders').select('status').where('id', 'in', orderIds).execute()
    assert.ok(statuses.every((row) => row.status === 'voided'))
  })
})
