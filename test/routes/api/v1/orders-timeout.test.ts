import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct, stockOf, type Location } from '#test/helpers/catalogue.js'
import { registerUser, type TestSession } from '#test/helpers/identity.js'
import { orderCounts, placeOrder } from '#test/helpers/orders.js'

/** A transaction on its own connection holding `select ... for update` on one row until released. */
async function holdRow (url: string, table: 'products' | 'locations', id: string): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('begin')
  await client.query(`select 1 from ${table} where id = $1 for update`, [id])
  return { release: async () => { await client.query('commit'); await client.end() } }
}

// Each wait below stays under the statement timeout, so no query is cancelled; together they
// outlast the handler timeout, so the client is answered 503 while the order's work still runs.
describe('an order whose request timed out', () => {
  const context = useTestApp({ env: { HANDLER_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '900' } })
  let owner: TestSession
  let location: Location
  before(async () => {
    owner = await registerUser(context.app)
    location = await createLocation(context.app, owner)
  })

  for (const keyed of [false, true]) {
    test(`is rolled back, not committed after the 503 (${keyed ? 'with' : 'without'} an Idempotency-Key)`, async () => {
      const product = await createProduct(context.app, owner, { stock: 10 })
      const headers: Record<string, string> = keyed ? { 'idempotency-key': randomUUID() } : {}
      const before = await orderCounts(context.app, owner.tenant.id)
      // The order waits for the product lock (700 ms), then for the location its insert references (700 ms more).
      const productLock = await holdRow(context.database.url, 'products', product.id)
      const locationLock = await holdRow(context.database.url, 'locations', location.id)
      const pending = placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 3 }] }, headers)
      await sleep(700)
      await productLock.release()
      await sleep(700)
      await locationLock.release()

      const timedOut = await pending
      assert.equal(timedOut.statusCode, 503, timedOut.body)
      assert.equal(timedOut.json().error.code, 'SERVICE_UNAVAILABLE')
      assert.ok(timedOut.headers['retry-after'])

      // The next order locks the same product, so it runs once the first transaction has ended.
      const next = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] }, headers)
      assert.equal(next.statusCode, 201, next.body)
      assert.equal(next.headers['idempotent-replayed'], undefined, 'nothing was stored for the key of the timed-out request')
      assert.deepEqual(await stockOf(context.app, product.id), { [product.id]: 9 })
      assert.equal((await orderCounts(context.app, owner.tenant.id)).orders, before.orders + 1)
    })
  }
})
