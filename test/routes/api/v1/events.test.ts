import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, migratedDatabase, useTestApp, type TestDatabase } from '#test/helpers/app.js'
import { createLocation, createProduct } from '#test/helpers/catalogue.js'
import { bearer, registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'
import { eventsNumbered } from '#test/helpers/events.js'
import { placeOrder } from '#test/helpers/orders.js'
import { describeWithRedis, redisUrl, uniquePrefix } from '#test/helpers/rate-limit.js'
import { openSse, parsed, type SseClient } from '#test/helpers/sse.js'

async function listen (app: FastifyInstance): Promise<string> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return address
}

const eventsPath = (session: TestSession, query = ''): string => `/api/v1/tenants/${session.tenant.id}/events${query}`

describe('GET .../events (Server-Sent Events)', () => {
  const context = useTestApp({ env: { EVENTS_POLL_MS: '200', STREAM_HEARTBEAT_MS: '200' } })
  let base: string
  let owner: TestSession
  const clients: SseClient[] = []
  const open = async (path: string, headers: Record<string, string>): Promise<SseClient> => {
    const client = await openSse(`${base}${path}`, headers)
    clients.push(client)
    return client
  }
  before(async () => {
    base = await listen(context.app)
    owner = await registerUser(context.app)
  })
  after(() => { for (const client of clients) client.close() })

  test('an event arrives after a REST write, with the resource as the REST answer showed it', async () => {
    const stream = await open(eventsPath(owner), bearer(owner))
    assert.equal(stream.status, 200)
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/)
    assert.ok(stream.headers['x-request-id'])
    const product = await createProduct(context.app, owner, { name: 'Streamed' })
    const event = await stream.next()
    const body = parsed(event)
    assert.equal(body.type, 'product.created')
    assert.equal(body.tenant_id, owner.tenant.id)
    assert.equal(body.resource_id, product.id)
    assert.equal(event.id, String(body.id))
    assert.deepEqual(body.data, product)
  })

  for (const resumeBy of ['Last-Event-ID', '?after='] as const) {
    test(`${resumeBy} replays exactly the missed events, in order, then goes live`, async () => {
      const first = await open(eventsPath(owner), bearer(owner))
      await createProduct(context.app, owner)
      const seen = parsed(await first.next())
      first.close()
      const missed = []
      for (let i = 0; i < 3; i++) missed.push(await createProduct(context.app, owner, { name: `missed ${i}` }))

      const resumed = resumeBy === 'Last-Event-ID'
        ? await open(eventsPath(owner), { ...bearer(owner), 'last-event-id': String(seen.id) })
        : await open(eventsPath(owner, `?after=${seen.id}`), bearer(owner))
      const replayed = [await resumed.next(), await resumed.next(), await resumed.next()].map(parsed)
      assert.deepEqual(replayed.map((e) => e.id), [seen.id + 1, seen.id + 2, seen.id + 3])
      assert.deepEqual(replayed.map((e) => e.resource_id), missed.map((p) => p.id))
      const live = await createProduct(context.app, owner, { name: 'live' })
      const next = parsed(await resumed.next())
      assert.equal(next.resource_id, live.id)
      assert.equal(next.id, seen.id + 4, 'no duplicates and no gaps')
      resumed.close()
    })
  }

  test('types filters; an unknown type is 422 naming the field', async () => {
    const location = await createLocation(context.app, owner)
    const product = await createProduct(context.app, owner, { stock: 5 })
    const orders = await open(eventsPath(owner, '?types=order.*'), bearer(owner))
    await createProduct(context.app, owner)
    const placed = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] })
    assert.equal(placed.statusCode, 201)
    const event = parsed(await orders.next())
    assert.equal(event.type, 'order.placed')
    assert.deepEqual(event.data, placed.json().data)
    assert.deepEqual(await orders.collect(300), [], 'product events filtered out')

    const stock = await open(eventsPath(owner, '?types=product.stock_changed'), bearer(owner))
    await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 2 }] })
    const changed = parsed(await stock.next())
    assert.equal(changed.resource_id, product.id)
    assert.equal(changed.data.stock, 2)

    const refused = await context.app.inject({ url: eventsPath(owner, '?types=product.*,nothing.here'), headers: bearer(owner) })
    assert.equal(refused.statusCode, 422)
    assert.equal(refused.json().error.details[0].field, '/types')
  })

  test('an order records order.placed, then each line\'s stock change in line order, with the stock the order left', async () => {
    const location = await createLocation(context.app, owner)
    const first = await createProduct(context.app, owner, { stock: 10 })
    const second = await createProduct(context.app, owner, { stock: 20 })
    const stream = await open(eventsPath(owner, '?types=order.placed,product.stock_changed'), bearer(owner))
    const placed = await placeOrder(context.app, owner, location.id, { items: [{ product_id: second.id, quantity: 3 }, { product_id: first.id, quantity: 4 }] })
    assert.equal(placed.statusCode, 201)
    const events = [await stream.next(), await stream.next(), await stream.next()].map(parsed)
    assert.deepEqual(events.map((e) => [e.type, e.resource_id]), [['order.placed', placed.json().data.id], ['product.stock_changed', second.id], ['product.stock_changed', first.id]])
    assert.deepEqual(events[0]?.data, placed.json().data)
    assert.deepEqual(events.slice(1).map((e) => e.data.stock), [17, 6])
    for (const [index, product] of [second, first].entries()) {
      const read = await context.app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/products/${product.id}`, headers: bearer(owner) })
      assert.deepEqual(events[index + 1]?.data, read.json().data, 'the event carries the product as the API returns it')
    }
    assert.equal(events[2]?.id, (events[1]?.id ?? 0) + 1, 'one id after the other')
    stream.close()
  })

  test('a refused write records no event; another tenant\'s events never arrive; another tenant\'s stream is 403', async () => {
    const other = await registerUser(context.app)
    const mine = await open(eventsPath(owner), bearer(owner))
    const location = await createLocation(context.app, owner)
    await mine.next()
    const product = await createProduct(context.app, owner, { stock: 1 })
    await mine.next()
    const refused = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 5 }] })
    assert.equal(refused.statusCode, 409)
    await createProduct(context.app, other)
    assert.deepEqual(await mine.collect(400), [])
    const forbidden = await context.app.inject({ url: eventsPath(other), headers: bearer(owner) })
    assert.equal(forbidden.statusCode, 403)
  })

  test('a ticket opens one stream once; without a token or ticket it is 401', async () => {
    const issued = await context.app.inject({ method: 'POST', url: eventsPath(owner, '/tickets'), headers: bearer(owner) })
    assert.equal(issued.statusCode, 201, issued.body)
    const { ticket } = issued.json().data as { ticket: string }
    const stream = await open(eventsPath(owner, `?ticket=${ticket}`), {})
    assert.equal(stream.status, 200)
    const product = await createProduct(context.app, owner)
    assert.equal(parsed(await stream.next()).resource_id, product.id)
    const again = await context.app.inject({ url: eventsPath(owner, `?ticket=${ticket}`) })
    assert.equal(again.statusCode, 401)
    assert.equal(again.json().error.code, 'UNAUTHORIZED')
    assert.equal((await context.app.inject({ url: eventsPath(owner) })).statusCode, 401)
    // A ticket is not a bearer token anywhere else.
    assert.equal((await context.app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/products?ticket=${ticket}` })).statusCode, 401)
  })

  test('a removed member\'s stream ends within a second, saying why', async () => {
    const roles = await tenantWithRoles(context.app)
    const stream = await open(eventsPath(roles.member), bearer(roles.member))
    assert.equal(stream.status, 200)
    const started = Date.now()
    const removed = await context.app.inject({ method: 'DELETE', url: `/api/v1/tenants/${roles.owner.tenant.id}/members/${roles.member.user.id}`, headers: bearer(roles.owner) })
    assert.equal(removed.statusCode, 204)
    const seen = []
    for (let i = 0; i < 5; i++) {
      const event = await stream.next(1500)
      seen.push(event.event)
      if (event.event === 'access_revoked') break
    }
    assert.equal(seen.at(-1), 'access_revoked', `events: ${seen.join(', ')}`)
    await stream.ended
    assert.ok(Date.now() - started < 1500, `ended after ${Date.now() - started} ms`)
  })

  test('past the retention, a resume gets a reset, then the live events', async () => {
    await createProduct(context.app, owner)
    await eventsNumbered(context.app)
    const old = await context.app.db.selectFrom('events').select('id').where('tenant_id', '=', owner.tenant.id).orderBy('id').executeTakeFirstOrThrow()
    await context.app.db.deleteFrom('events').where('tenant_id', '=', owner.tenant.id).where('id', '<=', Number(old.id) + 2).execute()
    const stream = await open(eventsPath(owner), { ...bearer(owner), 'last-event-id': String(old.id) })
    const reset = await stream.next()
    assert.equal(reset.event, 'reset')
    assert.equal(JSON.parse(reset.data).reason, 'expired')
    const product = await createProduct(context.app, owner)
    assert.equal(parsed(await stream.next()).resource_id, product.id)
  })
})

describe('events across instances, and on shutdown', () => {
  let database: TestDatabase
  let first: FastifyInstance
  let second: FastifyInstance
  before(async () => {
    database = await migratedDatabase()
    first = await buildTestApp(database, { env: { EVENTS_POLL_MS: '60000' } })
    second = await buildTestApp(database, { env: { EVENTS_POLL_MS: '60000' } })
  })
  after(async () => {
    await first.close()
    await second.close()
    await database.drop()
  })

  test('a write through one instance reaches a client of the other (LISTEN/NOTIFY), and invalidates its cached reads', async () => {
    const owner = await registerUser(first)
    const stream = await openSse(`${await listen(second)}${eventsPath(owner)}`, bearer(owner))
    try {
      const product = await createProduct(first, owner, { stock: 44 })
      const url = `/api/v1/tenants/${owner.tenant.id}/products/${product.id}`
      assert.equal((await second.inject({ url, headers: bearer(owner) })).json().data.stock, 44)
      assert.equal(parsed(await stream.next()).resource_id, product.id)
      const patched = await first.inject({ method: 'PATCH', url, headers: bearer(owner), payload: { stock: 33 } })
      assert.equal(patched.statusCode, 200)
      assert.equal(parsed(await stream.next()).type, 'product.updated')
      assert.equal((await second.inject({ url, headers: bearer(owner) })).json().data.stock, 33, 'no stale read on the other instance')
    } finally {
      stream.close()
    }
  })

  test('on shutdown a stream is told to reconnect and ends at once; the close does not wait for it', async () => {
    const owner = await registerUser(second)
    const leaving = await buildTestApp(database)
    const stream = await openSse(`${await listen(leaving)}${eventsPath(owner)}`, bearer(owner))
    const started = Date.now()
    await leaving.close()
    const events = await stream.collect(500, 3)
    await stream.ended
    assert.ok(events.some((event) => event.event === 'reconnect'), JSON.stringify(events))
    assert.ok(Date.now() - started < 2000, `closed after ${Date.now() - started} ms`)
  })
})

describeWithRedis('events across instances through Redis pub/sub', () => {
  let database: TestDatabase
  let first: FastifyInstance
  let second: FastifyInstance
  before(async () => {
    database = await migratedDatabase()
    // One prefix for both: they are two instances of one deployment. The poll is off (a minute),
    // so only the Redis announcement can deliver in time.
    const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: uniquePrefix(), EVENTS_POLL_MS: '60000' }
    first = await buildTestApp(database, { env })
    second = await buildTestApp(database, { env })
  })
  after(async () => {
    await first.close()
    await second.close()
    await database.drop()
  })

  test('a write through one instance reaches a stream client of the other', async () => {
    const owner = await registerUser(first)
    const stream = await openSse(`${await listen(second)}${eventsPath(owner)}`, bearer(owner))
    try {
      const product = await createProduct(first, owner)
      const event = parsed(await stream.next(2000))
      assert.equal(event.resource_id, product.id)
    } finally {
      stream.close()
    }
  })
})
