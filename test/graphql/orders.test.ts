import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type pg from 'pg'
import { useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct, stockOf } from '#test/helpers/catalogue.js'
import { codesOf, graphql, type GraphqlBody } from '#test/helpers/graphql.js'
import { registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'
import { orderCounts, placeOrder } from '#test/helpers/orders.js'

const SEQUENCER_LOCK_CALL = 'pg_try_advisory_xact_lock'

/**
 * Counts the statements the app sends to PostgreSQL while `work` runs: every pooled client's
 * query() is observed (and passed on unchanged) from the moment it is next checked out.
 */
async function statementsDuring (app: FastifyInstance, work: () => Promise<unknown>): Promise<number> {
  let counting = false
  let statements = 0
  const observed = new WeakSet<pg.PoolClient>()
  const observe = (client: pg.PoolClient): void => {
    if (observed.has(client)) return
    observed.add(client)
    const query = client.query.bind(client) as (...args: unknown[]) => unknown
    client.query = ((...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text
      // The event sequencer runs in the background, kicked by the writes before: not the request's.
      if (counting && text?.includes(SEQUENCER_LOCK_CALL) !== true) statements++
      return query(...args)
    }) as typeof client.query
  }
  app.pgPool.on('acquire', observe)
  counting = true
  try {
    await work()
  } finally {
    counting = false
    app.pgPool.off('acquire', observe)
  }
  return statements
}

const ORDER_PAGE = '{ orders(limit: 100) { items { id status total_cents items { quantity product_name product { id name stock } } } meta { next_cursor } } }'

describe('GraphQL orders', () => {
  const context = useTestApp({ env: { DB_POOL_MAX: '1' } })

  async function shop () {
    const { app } = context
    const owner = await registerUser(app)
    const location = await createLocation(app, owner)
    const products = [await createProduct(app, owner, { stock: 100 }), await createProduct(app, owner, { stock: 100 }), await createProduct(app, owner, { stock: 100 })]
    return { owner, location, products }
  }

  async function placeMany (owner: TestSession, locationId: string, productIds: string[], count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const response = await placeOrder(context.app, owner, locationId, { items: productIds.map((productId) => ({ product_id: productId, quantity: 1 })) })
      assert.equal(response.statusCode, 201, response.body)
    }
  }

  test('an orders page with its lines and their products runs the same few statements whatever its size', async () => {
    const { app } = context
    const { owner, location, products } = await shop()
    const ids = products.map((product) => product.id)
    await placeMany(owner, location.id, ids, 2)
    let small: GraphqlBody | undefined
    const fewOrders = await statementsDuring(app, async () => { small = (await graphql(app, owner, ORDER_PAGE)).body })
    await placeMany(owner, location.id, ids, 10)
    let large: GraphqlBody | undefined
    const manyOrders = await statementsDuring(app, async () => { large = (await graphql(app, owner, ORDER_PAGE)).body })

    const page = (body: GraphqlBody | undefined) => (body?.data?.orders as { items: Array<{ items: Array<{ product: { id: string } }> }> }).items
    assert.equal(page(small).length, 2)
    assert.equal(page(large).length, 12)
    assert.deepEqual(page(large).flatMap((order) => order.items.map((line) => line.product.id)), Array.from({ length: 12 }, () => ids).flat())
    // The page, its lines, their products: three, for 2 orders (6 lines) as for 12 (36 lines).
    assert.equal(fewOrders, 3)
    assert.equal(manyOrders, 3)
  })

  test('place, pay and void as on REST: stock taken and given back, the roles and states checked', async () => {
    const { app } = context
    const { owner, location, products } = await shop()
    const [first, second] = products
    const placed = await graphql(app, owner, `mutation ($location: ID!, $input: CreateOrderInput!) {
      placeOrder(location_id: $location, input: $input) { id status currency total_cents item_count items { product_id quantity unit_price_cents } }
    }`, { location: location.id, input: { items: [{ product_id: first!.id, quantity: 3 }, { product_id: second!.id, quantity: 2 }], note: 'table 4' } })
    assert.equal(placed.status, 200, JSON.stringify(placed.body))
    const order = placed.body.data?.placeOrder as { id: string, status: string, item_count: number }
    assert.equal(order.status, 'open')
    assert.equal(order.item_count, 2)
    assert.deepEqual(await stockOf(app, first!.id, second!.id), { [first!.id]: 97, [second!.id]: 98 })

    const paid = await graphql(app, owner, `mutation { payOrder(id: "${order.id}") { status paid_by } }`)
    assert.deepEqual(paid.body.data, { payOrder: { status: 'paid', paid_by: owner.user.id } })
    const again = await graphql(app, owner, `mutation { payOrder(id: "${order.id}") { status } }`)
    assert.equal(again.status, 409)
    assert.deepEqual(codesOf(again.body), ['ORDER_ALREADY_PAID'])
    const voided = await graphql(app, owner, `mutation { voidOrder(id: "${order.id}", reason: "till error") { status void_reason } }`)
    assert.deepEqual(voided.body.data, { voidOrder: { status: 'voided', void_reason: 'till error' } })
    assert.deepEqual(await stockOf(app, first!.id, second!.id), { [first!.id]: 100, [second!.id]: 100 })

    const read = await graphql(app, owner, `{ order(id: "${order.id}") { status items { quantity product { name } } } }`)
    assert.deepEqual(read.body.data, { order: { status: 'voided', items: [{ quantity: 3, product: { name: first!.name } }, { quantity: 2, product: { name: second!.name } }] } })
  })

  test('an idempotency key (argument or header) makes a retried placeOrder replay the first order, not place another', async () => {
    const { app } = context
    const { owner, location, products } = await shop()
    const mutation = 'mutation ($location: ID!, $input: CreateOrderInput!, $key: String) { placeOrder(location_id: $location, input: $input, idempotency_key: $key) { id } }'
    const variables = { location: location.id, input: { items: [{ product_id: products[0]!.id, quantity: 1 }] } }
    const first = await graphql(app, owner, mutation, { ...variables, key: 'till-7-sale-1' })
    const retry = await graphql(app, owner, mutation, { ...variables, key: 'till-7-sale-1' })
    assert.deepEqual(retry.body.data, first.body.data)
    const byHeader = await graphql(app, owner, mutation, variables, { 'idempotency-key': 'till-7-sale-2' })
    const headerRetry = await graphql(app, owner, mutation, variables, { 'idempotency-key': 'till-7-sale-2' })
    assert.deepEqual(headerRetry.body.data, byHeader.body.data)
    assert.deepEqual(await orderCounts(app, owner.tenant.id), { orders: 2, items: 2, quantity: 2 })
    const reused = await graphql(app, owner, mutation, { location: location.id, input: { items: [{ product_id: products[1]!.id, quantity: 1 }] }, key: 'till-7-sale-1' })
    assert.deepEqual(codesOf(reused.body), ['IDEMPOTENCY_KEY_REUSED'])
    const badKey = await graphql(app, owner, mutation, { ...variables, key: 'has spaces' })
    assert.equal(badKey.status, 422)
    assert.deepEqual(badKey.body.errors?.[0]?.extensions.details?.map((detail) => detail.field), ['/idempotency-key'])
  })

  test('bad orders lose nothing: insufficient stock, unknown products and a blank void reason get REST\'s codes and details', async () => {
    const { app } = context
    const { owner, location, products } = await shop()
    const short = await graphql(app, owner, `mutation { placeOrder(location_id: "${location.id}", input: { items: [{ product_id: "${products[0]!.id}", quantity: 101 }] }) { id } }`)
    assert.equal(short.status, 409)
    assert.deepEqual(codesOf(short.body), ['INSUFFICIENT_STOCK'])
    assert.deepEqual(short.body.errors?.[0]?.extensions.details?.map((detail) => detail.field), ['/items/0/quantity'])
    const empty = await graphql(app, owner, `mutation { placeOrder(location_id: "${location.id}", input: { items: [] }) { id } }`)
    assert.equal(empty.status, 422)
    assert.deepEqual(empty.body.errors?.[0]?.extensions.details?.map((detail) => detail.field), ['/items'])
    assert.deepEqual(await orderCounts(app, owner.tenant.id), { orders: 0, items: 0, quantity: 0 })
    assert.deepEqual(await stockOf(app, products[0]!.id), { [products[0]!.id]: 100 })
    await placeMany(owner, location.id, [products[0]!.id], 1)
    const { items: [order] } = (await graphql(app, owner, '{ orders { items { id } } }')).body.data?.orders as { items: Array<{ id: string }> }
    const blank = await graphql(app, owner, `mutation { voidOrder(id: "${order!.id}", reason: "   ") { id } }`)
    assert.equal(blank.status, 422)
    assert.deepEqual(blank.body.errors?.[0]?.extensions.details?.map((detail) => detail.field), ['/reason'])
  })

  test('orders and their products are the caller\'s tenant\'s only; a guest cannot place one', async () => {
    const { app } = context
    const { owner, location, products } = await shop()
    await placeMany(owner, location.id, [products[0]!.id], 1)
    const stranger = await registerUser(app)
    const theirs = await graphql(app, stranger, '{ orders { items { id } } }')
    assert.deepEqual(theirs.body.data, { orders: { items: [] } })
    const mine = (await graphql(app, owner, '{ orders { items { id } } }')).body.data?.orders as { items: Array<{ id: string }> }
    const read = await graphql(app, stranger, `{ order(id: "${mine.items[0]!.id}") { id } }`)
    assert.deepEqual(codesOf(read.body), ['ORDER_NOT_FOUND'])
    const foreignLocation = await graphql(app, stranger, `mutation { placeOrder(location_id: "${location.id}", input: { items: [{ product_id: "${products[0]!.id}", quantity: 1 }] }) { id } }`)
    assert.deepEqual(codesOf(foreignLocation.body), ['LOCATION_NOT_FOUND'])
    const roles = await tenantWithRoles(app)
    const guestLocation = await createLocation(app, roles.owner)
    const guestProduct = await createProduct(app, roles.owner, { stock: 5 })
    const guest = await graphql(app, roles.guest, `mutation { placeOrder(location_id: "${guestLocation.id}", input: { items: [{ product_id: "${guestProduct.id}", quantity: 1 }] }) { id } }`)
    assert.deepEqual(codesOf(guest.body), ['FORBIDDEN'])
  })
})
