import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type WebSocket from 'ws'
import { useTestApp } from '#test/helpers/app.js'
import { createProduct } from '#test/helpers/catalogue.js'
import { bearer, registerUser, type TestSession } from '#test/helpers/identity.js'
import { connect, type Message } from '#test/helpers/websocket.js'

describe('GET .../ws (WebSocket events)', () => {
  const context = useTestApp({ env: { STREAM_MAX_QUEUE_BYTES: '65536', STREAM_HEARTBEAT_MS: '200' } })
  let base: string
  let owner: TestSession
  const sockets: WebSocket[] = []
  const open = async (session: TestSession, query = '', headers: Record<string, string> = bearer(session)) => {
    const client = await connect(`${base}/api/v1/tenants/${session.tenant.id}/ws${query}`, headers)
    sockets.push(client.socket)
    return client
  }
  before(async () => {
    base = (await context.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
    owner = await registerUser(context.app)
  })
  after(() => { for (const socket of sockets) socket.terminate() })

  test('subscribe with a filter gets matching events; unsubscribe stops them; ping gets pong', async () => {
    const client = await open(owner)
    client.socket.send(JSON.stringify({ type: 'subscribe', types: 'product.updated' }))
    const subscribed = await client.next()
    assert.equal(subscribed.type, 'subscribed')
    const product = await createProduct(context.app, owner)
    const url = `/api/v1/tenants/${owner.tenant.id}/products/${product.id}`
    assert.equal((await context.app.inject({ method: 'PATCH', url, headers: bearer(owner), payload: { name: 'Renamed' } })).statusCode, 200)
    const message = await client.next()
    assert.equal(message.type, 'event')
    const event = message.event as { type: string, resource_id: string, data: { name: string } }
    assert.equal(event.type, 'product.updated', 'product.created was filtered out')
    assert.equal(event.data.name, 'Renamed')

    client.socket.send(JSON.stringify({ type: 'ping' }))
    assert.equal((await client.next()).type, 'pong')
    client.socket.send(JSON.stringify({ type: 'unsubscribe' }))
    assert.equal((await client.next()).type, 'unsubscribed')
    await context.app.inject({ method: 'PATCH', url, headers: bearer(owner), payload: { name: 'Again' } })
    await assert.rejects(client.next(400), /no message/)
  })

  test('a resume point replays what was missed, in order; bad messages get an error in the envelope\'s terms', async () => {
    const client = await open(owner)
    client.socket.send(JSON.stringify({ type: 'subscribe' }))
    const { after: position } = await client.next() as Message & { after: number }
    const created = [await createProduct(context.app, owner), await createProduct(context.app, owner)]
    const resumed = await open(owner)
    resumed.socket.send(JSON.stringify({ type: 'subscribe', after: position, types: 'product.*' }))
    assert.equal((await resumed.next()).type, 'subscribed')
    const replayed = [await resumed.next(), await resumed.next()].map((m) => m.event as { id: number, resource_id: string })
    assert.deepEqual(replayed.map((e) => e.resource_id), created.map((p) => p.id))
    assert.deepEqual(replayed.map((e) => e.id), [position + 1, position + 2])

    resumed.socket.send('not json')
    const error = await resumed.next()
    assert.equal(error.type, 'error')
    assert.equal(error.code, 'INVALID_INPUT')
    resumed.socket.send(JSON.stringify({ type: 'subscribe', types: 'nope.*' }))
    const refused = await resumed.next()
    assert.equal(refused.code, 'INVALID_INPUT')
  })

  test('auth: without a token the upgrade is refused with 401; a ticket works once; another tenant is 403', async () => {
    await assert.rejects(connect(`${base}/api/v1/tenants/${owner.tenant.id}/ws`), /HTTP 401/)
    const other = await registerUser(context.app)
    await assert.rejects(connect(`${base}/api/v1/tenants/${other.tenant.id}/ws`, bearer(owner)), /HTTP 403/)
    const issued = await context.app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/events/tickets`, headers: bearer(owner) })
    const { ticket } = issued.json().data as { ticket: string }
    const client = await open(owner, `?ticket=${ticket}`, {})
    client.socket.send(JSON.stringify({ type: 'ping' }))
    assert.equal((await client.next()).type, 'pong')
    await assert.rejects(connect(`${base}/api/v1/tenants/${owner.tenant.id}/ws?ticket=${ticket}`), /HTTP 401/)
  })

  test('a client that stops reading is closed with 4008 once its queue passes the bound, never buffered without end', async () => {
    const slow = await registerUser(context.app)
    // 4,000 events of about 2 KB: far more than the socket buffers and the 64 KiB bound hold.
    await context.app.db.executeQuery({
      sql: `with counter as (insert into event_counters (tenant_id, last_id) values ($1, 4000) returning last_id)
            insert into events (tenant_id, id, type, resource_id, actor_id, data)
            select $1, n, 'product.updated', gen_random_uuid(), null, jsonb_build_object('id', gen_random_uuid(), 'padding', repeat('x', 2000))
            from counter, generate_series(1, 4000) as n`,
      parameters: [slow.tenant.id],
      query: { kind: 'RawNode', sqlFragments: [], parameters: [] }
    } as never)
    const client = await open(slow)
    client.socket.send(JSON.stringify({ type: 'subscribe', after: 0 }))
    const rawSocket = (client.socket as unknown as { _socket: { pause: () => void, resume: () => void } })._socket
    rawSocket.pause()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    rawSocket.resume()
    const { code, reason } = await client.closed
    assert.equal(code, 4008)
    assert.match(reason, /slow consumer/)
  })
})
