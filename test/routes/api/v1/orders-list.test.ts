import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { OrderSummary } from '#src/schemas/orders.js'
import { createCursorCodec } from '#src/services/cursor.js'
import { TEST_JWT_SECRET, useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct, type Location, type Product } from '#test/helpers/catalogue.js'
import { bearer, registerUser, type TestSession } from '#test/helpers/identity.js'
import { orderAction, ordersUrl, placeOrder } from '#test/helpers/orders.js'

describe('order lists', () => {
  const context = useTestApp()
  const list = (session: TestSession, url: string) => context.app.inject({ method: 'GET', url, headers: bearer(session) })

  /** A tenant of its own, so each test knows exactly which orders exist. */
  async function shop (): Promise<{ owner: TestSession, location: Location, product: Product }> {
    const owner = await registerUser(context.app)
    return { owner, location: await createLocation(context.app, owner), product: await createProduct(context.app, owner, { stock: 1000 }) }
  }

  async function order (owner: TestSession, location: Location, product: Product): Promise<string> {
    const response = await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().data.id
  }

  /** Follows next_cursor from `url` (and `start`, if given) to the end, returning every page's ids. */
  async function pages (session: TestSession, url: string, start: string | null = null): Promise<string[][]> {
    const seen: string[][] = []
    let cursor = start
    do {
      const separator = url.includes('?') ? '&' : '?'
      const response = await list(session, cursor === null ? url : `${url}${separator}cursor=${encodeURIComponent(cursor)}`)
      assert.equal(response.statusCode, 200, response.body)
      const body = response.json()
      seen.push(body.data.map((row: OrderSummary) => row.id))
      cursor = body.meta.next_cursor
      assert.ok(seen.length < 50, 'paging terminates')
    } while (cursor !== null)
    return seen
  }

  test('orders sharing a created_at are neither skipped nor repeated across pages', async () => {
    const { owner, location, product } = await shop()
    const ids: string[] = []
    for (let i = 0; i < 9; i++) ids.push(await order(owner, location, product))
    // Five orders in one millisecond, four in the one before: the id breaks the ties.
    const instant = '2026-11-20T12:00:00.500Z'
    await context.app.db.updateTable('orders').set({ created_at: instant }).where('id', 'in', ids.slice(0, 5)).execute()
    await context.app.db.updateTable('orders').set({ created_at: '2026-11-20T12:00:00.499Z' }).where('id', 'in', ids.slice(5)).execute()
    const expected = [...ids.slice(0, 5).sort().reverse(), ...ids.slice(5).sort().reverse()]

    const byTwo = await pages(owner, `${ordersUrl(owner)}?limit=2`)
    assert.deepEqual(byTwo.map((page) => page.length), [2, 2, 2, 2, 1])
    assert.deepEqual(byTwo.flat(), expected)
    assert.deepEqual((await pages(owner, `${ordersUrl(owner)}?limit=3`)).flat(), expected)
    assert.deepEqual((await pages(owner, `${ordersUrl(owner, location.id)}?limit=4`)).flat(), expected)
    // A page that ends exactly at the last row says there is no more.
    const exact = await list(owner, `${ordersUrl(owner)}?limit=9`)
    assert.equal(exact.json().data.length, 9)
    assert.equal(exact.json().meta.next_cursor, null)
  })

  test('orders placed while a client pages do not shift the pages it has yet to see', async () => {
    const { owner, location, product } = await shop()
    const before: string[] = []
    for (let i = 0; i < 6; i++) before.push(await order(owner, location, product))
    await context.app.db.updateTable('orders').set({ created_at: '2026-11-20T08:00:00.000Z' }).where('id', 'in', before).execute()
    const expected = [...before].sort().reverse()

    const first = (await list(owner, `${ordersUrl(owner)}?limit=2`)).json()
    assert.deepEqual(first.data.map((row: OrderSummary) => row.id), expected.slice(0, 2))
    const newer = [await order(owner, location, product), await order(owner, location, product)]
    const rest = await pages(owner, `${ordersUrl(owner)}?limit=2`, first.meta.next_cursor)
    assert.deepEqual(rest.flat(), expected.slice(2))
    // A fresh first page shows the new orders first.
    const fresh = (await list(owner, `${ordersUrl(owner)}?limit=2`)).json()
    assert.deepEqual(new Set(fresh.data.map((row: OrderSummary) => row.id)), new Set(newer))
  })

  test('filters: location, status, created_after (inclusive) and created_before (exclusive); guests may read', async () => {
    const { owner, location, product } = await shop()
    const second = await createLocation(context.app, owner)
    const a = await order(owner, location, product)
    const b = await order(owner, location, product)
    const c = await order(owner, second, product)
    await context.app.db.updateTable('orders').set({ created_at: '2026-11-01T00:00:00.000Z' }).where('id', '=', a).execute()
    await context.app.db.updateTable('orders').set({ created_at: '2026-11-02T00:00:00.000Z' }).where('id', '=', b).execute()
    await context.app.db.updateTable('orders').set({ created_at: '2026-11-03T00:00:00.000Z' }).where('id', '=', c).execute()
    assert.equal((await orderAction(context.app, owner, b, 'pay')).statusCode, 200)
    assert.equal((await orderAction(context.app, owner, c, 'void', { reason: 'test' })).statusCode, 200)

    const ids = async (query: string, url = ordersUrl(owner)) => {
      const response = await list(owner, `${url}${query}`)
      assert.equal(response.statusCode, 200, response.body)
      return response.json().data.map((row: OrderSummary) => row.id)
    }
    assert.deepEqual(await ids(''), [c, b, a])
    assert.deepEqual(await ids(`?location_id=${location.id}`), [b, a])
    assert.deepEqual(await ids('', ordersUrl(owner, second.id)), [c])
    assert.deepEqual(await ids('?status=open'), [a])
    assert.deepEqual(await ids('?status=paid'), [b])
    assert.deepEqual(await ids('?status=voided', ordersUrl(owner, second.id)), [c])
    assert.deepEqual(await ids('?created_after=2026-11-02T00:00:00.000Z'), [c, b])
    assert.deepEqual(await ids('?created_before=2026-11-02T00:00:00Z'), [a])
    assert.deepEqual(await ids(`?created_after=2026-11-01T12:00:00%2B02:00&created_before=2026-11-03T00:00:00.000Z&location_id=${location.id}`), [b])
    assert.deepEqual(await ids(`?location_id=${randomUUID()}`), [])

    const all = (await list(owner, ordersUrl(owner))).json()
    assert.deepEqual(all.meta, { limit: 50, next_cursor: null })
    assert.deepEqual(Object.keys(all.data[0]).includes('items'), false)
  })

  test('bad list parameters: 422 for values, 404 for an unknown location', async () => {
    const { owner } = await shop()
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'status=lost', 'location_id=abc', 'created_after=yesterday', 'created_before=2026-11-01', 'created_after=0000-01-01T00:00:00Z', 'created_before=2026-11-01T00:00:00%2B16:00', 'created_after=2026-11-01T00:00:00', 'sort=id']) {
      const response = await list(owner, `${ordersUrl(owner)}?${query}`)
      assert.equal(response.statusCode, 422, query)
      assert.equal(response.json().error.code, 'INVALID_INPUT')
    }
    const unknown = await list(owner, ordersUrl(owner, randomUUID()))
    assert.equal(unknown.statusCode, 404)
    assert.equal(unknown.json().error.code, 'LOCATION_NOT_FOUND')
    const outsider = await registerUser(context.app)
    const theirs = await createLocation(context.app, outsider)
    assert.equal((await list(owner, ordersUrl(owner, theirs.id))).statusCode, 404)
    assert.equal((await list(owner, ordersUrl(outsider))).json().error.code, 'TENANT_MISMATCH')
  })

  describe('cursors', () => {
    let owner: TestSession
    let cursor: string
    before(async () => {
      const setup = await shop()
      owner = setup.owner
      for (let i = 0; i < 3; i++) await order(owner, setup.location, setup.product)
      cursor = (await list(owner, `${ordersUrl(owner)}?limit=1`)).json().meta.next_cursor
      assert.equal(typeof cursor, 'string')
    })
    const withCursor = (value: string) => list(owner, `${ordersUrl(owner)}?limit=1&cursor=${encodeURIComponent(value)}`)

    test('a cursor works as issued', async () => {
      const response = await withCursor(cursor)
      assert.equal(response.statusCode, 200)
      assert.equal(response.json().data.length, 1)
    })

    test('malformed cursors are 400 INVALID_CURSOR', async () => {
      for (const value of ['', 'abc', 'abc.def', '....', cursor.replace('.', ''), `${cursor}.x`, `${cursor}A`, 'x'.repeat(600), '€.€']) {
        const response = await withCursor(value)
        assert.equal(response.statusCode, 400, value)
        assert.equal(response.json().error.code, 'INVALID_CURSOR')
      }
    })

    test('tampered cursors are 400 INVALID_CURSOR', async () => {
      const [payload, mac] = cursor.split('.') as [string, string]
      const [createdAt, id] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [string, string]
      const forged = (parts: unknown) => `${Buffer.from(JSON.stringify(parts)).toString('base64url')}.${mac}`
      const otherServer = createCursorCodec('another-secret-that-is-32-bytes-long!')
      const sameServer = createCursorCodec(TEST_JWT_SECRET)
      const cases = {
        'earlier timestamp, old signature': forged(['2020-01-01T00:00:00.000Z', id]),
        'other id, old signature': forged([createdAt, randomUUID()]),
        'flipped signature': `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`,
        'signed by another secret': otherServer.encode('orders', [createdAt, id]),
        'signed for another list': sameServer.encode('events', [createdAt, id]),
        'signed, but not a time key': sameServer.encode('orders', ['yesterday', id]),
        'signed, but an invalid id': sameServer.encode('orders', [createdAt, 'not-a-uuid']),
        'signed, but three parts': sameServer.encode('orders', [createdAt, id, 1])
      }
      for (const [name, value] of Object.entries(cases)) {
        const response = await withCursor(value)
        assert.equal(response.statusCode, 400, name)
        assert.equal(response.json().error.code, 'INVALID_CURSOR', name)
      }
      // The same server's secret and kind is what makes a cursor valid.
      assert.equal((await withCursor(sameServer.encode('orders', [createdAt, id]))).statusCode, 200)
    })
  })
})
