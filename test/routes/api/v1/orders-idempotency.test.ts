import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct, stockOf, type Location } from '#test/helpers/catalogue.js'
import { login, registerUser, uniqueEmail, type TestSession } from '#test/helpers/identity.js'
import { orderAction, orderCounts, placeOrder } from '#test/helpers/orders.js'

describe('Idempotency-Key', () => {
  const context = useTestApp()
  let owner: TestSession
  let location: Location
  before(async () => {
    owner = await registerUser(context.app)
    location = await createLocation(context.app, owner)
  })
  const keyed = (key: string) => ({ 'idempotency-key': key })
  const storedKeys = async (key: string) =>
    await context.app.db.selectFrom('idempotency_keys').select(['response_status', 'user_id']).where('tenant_id', '=', owner.tenant.id).where('key', '=', key).execute()

  test('a retry with the same key and body gets the same status and body, and creates nothing', async () => {
    const product = await createProduct(context.app, owner, { stock: 10 })
    const key = randomUUID()
    const payload = { items: [{ product_id: product.id, quantity: 3 }], note: 'first' }
    const first = await placeOrder(context.app, owner, location.id, payload, keyed(key))
    assert.equal(first.statusCode, 201, first.body)
    assert.equal(first.headers['idempotent-replayed'], undefined)
    const counts = await orderCounts(context.app, owner.tenant.id)

    // The same body with its keys in another order is the same request.
    for (const retry of [payload, { note: 'first', items: [{ quantity: 3, product_id: product.id }] }]) {
      const again = await placeOrder(context.app, owner, location.id, retry, keyed(key))
      assert.equal(again.statusCode, 201)
      assert.equal(again.headers['idempotent-replayed'], 'true')
      assert.equal(again.headers.location, first.headers.location)
      assert.equal(again.body, first.body)
    }
    assert.deepEqual(await orderCounts(context.app, owner.tenant.id), counts)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 7 })
    assert.deepEqual(await storedKeys(key), [{ response_status: 201, user_id: owner.user.id }])
  })

  test('the same key with a different request is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const product = await createProduct(context.app, owner, { stock: 10 })
    const other = await createLocation(context.app, owner)
    const key = randomUUID()
    assert.equal((await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, keyed(key))).statusCode, 201)
    const counts = await orderCounts(context.app, owner.tenant.id)
    const attempts = [
      () => placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 2 }] }, keyed(key)),
      () => placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }], note: 'changed' }, keyed(key)),
      () => placeOrder(context.app, owner, other.id, { items: [{ product_id: product.id, quantity: 1 }] }, keyed(key))
    ]
    for (const attempt of attempts) {
      const response = await attempt()
      assert.equal(response.statusCode, 422)
      assert.equal(response.json().error.code, 'IDEMPOTENCY_KEY_REUSED')
    }
    // Another member of the tenant cannot replay someone else's key either.
    const colleague = await registerUser(context.app, { email: uniqueEmail('colleague') })
    await context.app.db.insertInto('memberships').values({ tenant_id: owner.tenant.id, user_id: colleague.user.id, role: 'member' }).execute()
    const colleagueHere = await login(context.app, colleague.user.email, owner.tenant.id)
    const stolen = await placeOrder(context.app, colleagueHere, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, keyed(key))
    assert.equal(stolen.json().error.code, 'IDEMPOTENCY_KEY_REUSED')

    assert.deepEqual(await orderCounts(context.app, owner.tenant.id), counts)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 9 })
  })

  test('keys are per tenant: the same key in another tenant is a new request there', async () => {
    const key = randomUUID()
    const mine = await createProduct(context.app, owner, { stock: 5 })
    const other = await registerUser(context.app)
    const theirLocation = await createLocation(context.app, other)
    const theirs = await createProduct(context.app, other, { stock: 5 })
    assert.equal((await placeOrder(context.app, owner, location.id, { items: [{ product_id: mine.id, quantity: 1 }] }, keyed(key))).statusCode, 201)
    const there = await placeOrder(context.app, other, theirLocation.id, { items: [{ product_id: theirs.id, quantity: 1 }] }, keyed(key))
    assert.equal(there.statusCode, 201)
    assert.equal(there.headers['idempotent-replayed'], undefined)
    assert.equal((await orderCounts(context.app, other.tenant.id)).orders, 1)
  })

  test('a malformed key is 422 and nothing is written', async () => {
    const product = await createProduct(context.app, owner, { stock: 5 })
    const counts = await orderCounts(context.app, owner.tenant.id)
    for (const key of ['k'.repeat(256), 'has space', 'tab\tinside', 'ünïcode']) {
      const response = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, keyed(key))
      assert.equal(response.statusCode, 422, key)
      assert.equal(response.json().error.details[0].field, '/idempotency-key')
    }
    assert.deepEqual(await orderCounts(context.app, owner.tenant.id), counts)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 5 })
    assert.equal((await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, keyed('k'.repeat(255)))).statusCode, 201)
  })

  test('a refused request stores nothing: the same key succeeds once the stock is there', async () => {
    const product = await createProduct(context.app, owner, { stock: 1 })
    const key = randomUUID()
    const payload = { items: [{ product_id: product.id, quantity: 2 }] }
    const refused = await placeOrder(context.app, owner, location.id, payload, keyed(key))
    assert.equal(refused.statusCode, 409)
    assert.deepEqual(await storedKeys(key), [])
    await context.app.db.updateTable('products').set({ stock: 5 }).where('id', '=', product.id).execute()
    const retried = await placeOrder(context.app, owner, location.id, payload, keyed(key))
    assert.equal(retried.statusCode, 201)
    assert.equal(retried.headers['idempotent-replayed'], undefined)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 3 })
  })

  test('an expired key is free again', async () => {
    const product = await createProduct(context.app, owner, { stock: 5 })
    const key = randomUUID()
    assert.equal((await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, keyed(key))).statusCode, 201)
    const stored = await context.app.db.selectFrom('idempotency_keys').select(['created_at', 'expires_at']).where('key', '=', key).executeTakeFirstOrThrow()
    assert.equal(Date.parse(stored.expires_at) - Date.parse(stored.created_at), 24 * 3600 * 1000)
    await context.app.db.updateTable('idempotency_keys').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('key', '=', key).execute()
    const reused = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 2 }] }, keyed(key))
    assert.equal(reused.statusCode, 201)
    assert.equal(reused.headers['idempotent-replayed'], undefined)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 2 })
  })

  test('concurrent requests with one key create one order; the others get its response', async () => {
    const product = await createProduct(context.app, owner, { stock: 100 })
    const key = randomUUID()
    const payload = { items: [{ product_id: product.id, quantity: 2 }] }
    const counts = await orderCounts(context.app, owner.tenant.id)
    const responses = await Promise.all(Array.from({ length: 12 }, () => placeOrder(context.app, owner, location.id, payload, keyed(key))))
    const statuses = responses.map((response) => response.statusCode)
    assert.ok(statuses.every((status) => status === 201 || status === 409), statuses.join(','))
    const created = responses.filter((response) => response.statusCode === 201)
    assert.ok(created.length >= 1)
    assert.equal(new Set(created.map((response) => response.json().data.id)).size, 1, 'every 201 is the same order')
    assert.equal(created.filter((response) => response.headers['idempotent-replayed'] !== 'true').length, 1, 'exactly one did the work')
    for (const response of responses.filter((r) => r.statusCode === 409)) assert.equal(response.json().error.code, 'IDEMPOTENCY_IN_PROGRESS')
    const after = await orderCounts(context.app, owner.tenant.id)
    assert.equal(after.orders, counts.orders + 1)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 98 })
  })

  test('void and pay replay too: stock is given back once', async () => {
    const product = await createProduct(context.app, owner, { stock: 10 })
    const first = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 4 }] })
    const second = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] })
    const orderId = first.json().data.id

    const voidKey = randomUUID()
    const voids = await Promise.all([1, 2, 3].map(() => orderAction(context.app, owner, orderId, 'void', { reason: 'duplicate' }, keyed(voidKey))))
    assert.deepEqual(voids.map((response) => response.statusCode), [200, 200, 200])
    assert.equal(new Set(voids.map((response) => response.body)).size, 1)
    assert.equal(voids.filter((response) => response.headers['idempotent-replayed'] === 'true').length, 2)
    assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 9 })
    const otherReason = await orderAction(context.app, owner, orderId, 'void', { reason: 'other' }, keyed(voidKey))
    assert.equal(otherReason.json().error.code, 'IDEMPOTENCY_KEY_REUSED')
    // Without the key, a second void is the plain conflict.
    assert.equal((await orderAction(context.app, owner, orderId, 'void', { reason: 'duplicate' })).json().error.code, 'ORDER_ALREADY_VOIDED')

    const payKey = randomUUID()
    const paid = await orderAction(context.app, owner, second.json().data.id, 'pay', undefined, keyed(payKey))
    assert.equal(paid.statusCode, 200)
    const paidAgain = await orderAction(context.app, owner, second.json().data.id, 'pay', {}, keyed(payKey))
    assert.equal(paidAgain.statusCode, 200)
    assert.equal(paidAgain.headers['idempotent-replayed'], 'true')
    assert.equal(paidAgain.body, paid.body)
    // A key used to pay one order cannot pay another, nor place an order.
    assert.equal((await orderAction(context.app, owner, orderId, 'pay', undefined, keyed(payKey))).json().error.code, 'IDEMPOTENCY_KEY_REUSED')
    assert.equal((await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, keyed(payKey))).json().error.code, 'IDEMPOTENCY_KEY_REUSED')
  })
})

describe('expired idempotency keys', () => {
  const context = useTestApp()

  test('the maintenance run deletes expired keys only, on one instance at a time', async () => {
    const owner = await registerUser(context.app)
    const location = await createLocation(context.app, owner)
    const product = await createProduct(context.app, owner, { stock: 100 })
    for (const key of ['kept', 'expired-1', 'expired-2']) {
      const response = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, { 'idempotency-key': key })
      assert.equal(response.statusCode, 201)
    }
    await context.app.db.updateTable('idempotency_keys').set({ expires_at: sql<string>`now() - interval '1 second'` }).where('key', 'like', 'expired-%').execute()
    const [first, second] = await Promise.all([context.app.maintenance.runNow(), context.app.maintenance.runNow()])
    const ran = [first, second].filter((result) => result !== null)
    assert.ok(ran.length >= 1)
    assert.equal(ran.reduce((sum, result) => sum + (result?.idempotency_keys ?? 0), 0), 2)
    const left = await context.app.db.selectFrom('idempotency_keys').select('key').where('tenant_id', '=', owner.tenant.id).execute()
    assert.deepEqual(left.map((row) => row.key), ['kept'])
  })
})
