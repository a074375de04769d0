import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, migratedDatabase, useTestApp, type TestDatabase } from '../helpers/app.js'
import { createLocation, createProduct } from '../helpers/catalogue.js'
import { writesSettled } from '../helpers/events.js'
import { bearer, registerUser, type TestSession } from '../helpers/identity.js'
import { placeOrder } from '../helpers/orders.js'
import { describeWithRedis, redisUrl, storeEnv, uniquePrefix } from '../helpers/rate-limit.js'

const store = redisUrl === undefined ? 'in-memory' : 'Redis'

function productUrl (session: TestSession, id = ''): string {
  return `/api/v1/tenants/${session.tenant.id}/products${id === '' ? '' : `/${id}`}`
}

describe(`response cache (${store} store)`, () => {
  const context = useTestApp({ env: storeEnv() })
  const get = (session: TestSession, url: string, headers: Record<string, string> = {}) =>
    context.app.inject({ url, headers: { ...bearer(session), ...headers } })

  test('a product read is a MISS, then a HIT with the same body and ETag; If-None-Match on a HIT is 304', async () => {
    const owner = await registerUser(context.app)
    const product = await createProduct(context.app, owner, { stock: 7 })
    await writesSettled(context.app)
    const first = await get(owner, productUrl(owner, product.id))
    assert.equal(first.headers['x-cache'], 'MISS')
    const second = await get(owner, productUrl(owner, product.id))
    assert.equal(second.headers['x-cache'], 'HIT')
    assert.equal(second.statusCode, 200)
    assert.equal(second.body, first.body)
    assert.equal(second.headers.etag, first.headers.etag)
    assert.match(String(second.headers['content-type']), /application\/json/)
    const notModified = await get(owner, productUrl(owner, product.id), { 'if-none-match': String(first.headers.etag) })
    assert.equal(notModified.statusCode, 304)
    assert.equal(notModified.headers['x-cache'], 'HIT')
  })

  test('a product write invalidates reads of the one product and of the lists', async () => {
    const owner = await registerUser(context.app)
    const product = await createProduct(context.app, owner, { stock: 7 })
    await writesSettled(context.app)
    await get(owner, productUrl(owner, product.id))
    await get(owner, productUrl(owner))
    assert.equal((await get(owner, productUrl(owner))).headers['x-cache'], 'HIT')

    const patched = await context.app.inject({ method: 'PATCH', url: productUrl(owner, product.id), headers: bearer(owner), payload: { name: 'Renamed' } })
    assert.equal(patched.statusCode, 200)
    const one = await get(owner, productUrl(owner, product.id))
    assert.equal(one.headers['x-cache'], 'MISS')
    assert.equal(one.json().data.name, 'Renamed')
    const list = await get(owner, productUrl(owner))
    assert.equal(list.headers['x-cache'], 'MISS')
    assert.equal(list.json().data[0].name, 'Renamed')

    await createProduct(context.app, owner, { stock: 1 })
    assert.equal((await get(owner, productUrl(owner))).json().meta.total, 2, 'a create is seen at once')
  })

  test('an order and its void change stock, and the next read shows it', async () => {
    const owner = await registerUser(context.app)
    const product = await createProduct(context.app, owner, { stock: 10 })
    const location = await createLocation(context.app, owner)
    await writesSettled(context.app)
    await get(owner, productUrl(owner, product.id))
    assert.equal((await get(owner, productUrl(owner, product.id))).headers['x-cache'], 'HIT')

    const order = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 3 }] })
    assert.equal(order.statusCode, 201)
    assert.equal((await get(owner, productUrl(owner, product.id))).json().data.stock, 7)
    await get(owner, productUrl(owner, product.id))

    const voided = await context.app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/orders/${order.json().data.id}/void`, headers: bearer(owner), payload: { reason: 'test' } })
    assert.equal(voided.statusCode, 200)
    assert.equal((await get(owner, productUrl(owner, product.id))).json().data.stock, 10)
  })

  test('no cross-tenant hit: another tenant is refused before the cache is consulted', async () => {
    const a = await registerUser(context.app)
    const b = await registerUser(context.app)
    const product = await createProduct(context.app, a)
    await writesSettled(context.app)
    await get(a, productUrl(a, product.id))
    assert.equal((await get(a, productUrl(a, product.id))).headers['x-cache'], 'HIT')
    const stolen = await get(b, productUrl(a, product.id))
    assert.equal(stolen.statusCode, 403)
    assert.equal(stolen.json().error.code, 'TENANT_MISMATCH')
    assert.doesNotMatch(stolen.body, new RegExp(product.id))
    const own = await get(b, productUrl(b, product.id))
    assert.equal(own.statusCode, 404)
  })

  test('hits and misses are counted in /metrics', async () => {
    const metrics = await context.app.inject('/metrics')
    assert.match(metrics.body, /cache_hits_total\{cache="responses"\} [1-9]/)
    assert.match(metrics.body, /cache_misses_total\{cache="responses"\} [1-9]/)
  })
})

describe('response cache turned off', () => {
  const context = useTestApp({ env: { CACHE_TTL_SECONDS: '0' } })

  test('every read is a MISS', async () => {
    const owner = await registerUser(context.app)
    const product = await createProduct(context.app, owner)
    for (let i = 0; i < 2; i++) assert.equal((await context.app.inject({ url: productUrl(owner, product.id), headers: bearer(owner) })).headers['x-cache'], 'MISS')
  })
})

describeWithRedis('two instances sharing one Redis', () => {
  let database: TestDatabase
  let first: FastifyInstance
  let second: FastifyInstance
  before(async () => {
    database = await migratedDatabase()
    const env = { REDIS_URL: String(redisUrl), REDIS_KEY_PREFIX: uniquePrefix() }
    first = await buildTestApp(database, { env })
    second = await buildTestApp(database, { env })
  })
  after(async () => {
    await first.close()
    await second.close()
    await database.drop()
  })

  test('a write on one instance invalidates what the other has cached', async () => {
    const owner = await registerUser(first)
    const product = await createProduct(first, owner, { stock: 5 })
    await second.inject({ url: productUrl(owner, product.id), headers: bearer(owner) })
    assert.equal((await second.inject({ url: productUrl(owner, product.id), headers: bearer(owner) })).headers['x-cache'], 'HIT')
    await first.inject({ method: 'PATCH', url: productUrl(owner, product.id), headers: bearer(owner), payload: { stock: 42 } })
    const read = await second.inject({ url: productUrl(owner, product.id), headers: bearer(owner) })
    assert.equal(read.headers['x-cache'], 'MISS')
    assert.equal(read.json().data.stock, 42)
  })
})
