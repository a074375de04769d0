import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type WebSocket from 'ws'
import { useTestApp } from '#test/helpers/app.js'
import { createProduct } from '#test/helpers/catalogue.js'
import { bearer, registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'
import { connect, type Message } from '#test/helpers/websocket.js'

const PROTOCOL = 'graphql-transport-ws'
const EVENTS = 'subscription ($types: String, $after: Int) { events(types: $types, after: $after) { event { id type resource_id tenant_id data } reset { reason last_id } } }'

interface Next { event: { id: number, type: string, resource_id: string, tenant_id: string, data: { name?: string } } | null, reset: { reason: string, last_id: number } | null }

describe('GraphQL subscriptions (graphql-ws)', () => {
  const context = useTestApp()
  let url: string
  const sockets: WebSocket[] = []

  before(async () => {
    url = `${(await context.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/graphql`
  })
  after(() => { for (const socket of sockets) socket.terminate() })

  async function subscribed (session: TestSession, variables: Record<string, unknown> = {}) {
    const client = await connect(url, {}, PROTOCOL)
    sockets.push(client.socket)
    client.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${session.access_token}` } }))
    assert.equal((await client.next()).type, 'connection_ack')
    client.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: EVENTS, variables } }))
    const next = async (): Promise<Next> => {
      let message = await client.next()
      // Keep-alive pings (graphql-ws) come between payloads.
      for (let skipped = 0; message.type === 'ping' && skipped < 10; skipped++) message = await client.next()
      assert.equal(message.type, 'next', JSON.stringify(message))
      return ((message.payload as { data: { events: Next } }).data.events)
    }
    return { ...client, nextEvent: next }
  }

  async function rename (session: TestSession, productId: string, name: string): Promise<void> {
    const response = await context.app.inject({ method: 'PATCH', url: `/api/v1/tenants/${session.tenant.id}/products/${productId}`, headers: bearer(session), payload: { name } })
    assert.equal(response.statusCode, 200)
  }

  test('a subscription receives the event of a REST write, filtered by type, and only its own tenant\'s', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const stranger = await registerUser(app)
    const product = await createProduct(app, owner)
    const strangers = await createProduct(app, stranger)
    const client = await subscribed(owner, { types: 'product.updated' })
    // The subscription starts after the last event: give it a moment to be in place, then write.
    await new Promise((resolve) => setTimeout(resolve, 100))
    await rename(stranger, strangers.id, 'Not yours')
    await rename(owner, product.id, 'Renamed over REST')
    const { event } = await client.nextEvent()
    assert.equal(event?.type, 'product.updated')
    assert.equal(event?.resource_id, product.id)
    assert.equal(event?.tenant_id, owner.tenant.id)
    assert.equal(event?.data.name, 'Renamed over REST')
  })

  test('after replays exactly the missed events, in order; a position past the last one is a reset', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const product = await createProduct(app, owner)
    const first = await subscribed(owner, { types: 'product.updated' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    await rename(owner, product.id, 'one')
    const { event: seen } = await first.nextEvent()
    first.socket.terminate()
    await rename(owner, product.id, 'two')
    await rename(owner, product.id, 'three')
    const resumed = await subscribed(owner, { types: 'product.updated', after: seen?.id })
    assert.deepEqual([(await resumed.nextEvent()).event?.data.name, (await resumed.nextEvent()).event?.data.name], ['two', 'three'])
    const beyond = await subscribed(owner, { after: 1_000_000 })
    const { reset, event } = await beyond.nextEvent()
    assert.equal(event, null)
    assert.equal(reset?.reason, 'unknown_position')
  })

  test('a removed member\'s subscription ends with TOKEN_REVOKED', async () => {
    const { app } = context
    const roles = await tenantWithRoles(app)
    const client = await subscribed(roles.member)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const removed = await app.inject({ method: 'DELETE', url: `/api/v1/tenants/${roles.owner.tenant.id}/members/${roles.member.user.id}`, headers: bearer(roles.owner) })
    assert.equal(removed.statusCode, 204)
    // Pings, and the member.removed event itself, may come first.
    let message = await client.next(2500)
    for (let skipped = 0; message.type !== 'error' && skipped < 10; skipped++) message = await client.next(2500)
    assert.equal(message.type, 'error', JSON.stringify(message))
    assert.deepEqual((message.payload as Array<{ extensions: { code: string } }>).map((error) => error.extensions.code), ['TOKEN_REVOKED'])
  })

  test('a socket holds at most 10 subscriptions: the 11th is RATE_LIMITED, and completing one frees its place', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const client = await subscribed(owner)
    const subscribe = (id: string): void => { client.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: EVENTS } })) }
    const nextError = async () => {
      let message = await client.next()
      for (let skipped = 0; message.type === 'ping' && skipped < 10; skipped++) message = await client.next()
      return message
    }
    for (let id = 2; id <= 10; id++) subscribe(String(id))
    subscribe('11')
    const refused = await nextError()
    assert.equal(refused.type, 'error', JSON.stringify(refused))
    assert.equal(refused.id, '11')
    assert.deepEqual((refused.payload as Array<{ extensions: { code: string } }>).map((error) => error.extensions.code), ['RATE_LIMITED'])
    client.socket.send(JSON.stringify({ id: '1', type: 'complete' }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    subscribe('12')
    const product = await createProduct(app, owner)
    // Every open subscription (2 to 10 and 12) gets the event; none is an error.
    const ids = new Set<string>()
    for (let i = 0; i < 11 && ids.size < 10; i++) {
      const message = await nextError()
      // The server confirms the completed one.
      if (message.type === 'complete' && message.id === '1') continue
      assert.equal(message.type, 'next', JSON.stringify(message))
      assert.equal((message.payload as { data: { events: Next } }).data.events.event?.resource_id, product.id)
      ids.add(String(message.id))
    }
    assert.deepEqual([...ids].sort((a, b) => Number(a) - Number(b)), ['2', '3', '4', '5', '6', '7', '8', '9', '10', '12'])
  })

  test('connection_init without a valid token is refused; a bad filter is INVALID_INPUT', async () => {
    const { app } = context
    const client = await connect(url, {}, PROTOCOL)
    sockets.push(client.socket)
    client.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer forged' } }))
    const refused = await Promise.race([client.closed, client.next().then((message: Message) => message)])
    assert.ok('code' in refused ? Number(refused.code) >= 4000 : refused.type === 'connection_error', JSON.stringify(refused))

    const owner = await registerUser(app)
    const bad = await connect(url, {}, PROTOCOL)
    sockets.push(bad.socket)
    bad.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${owner.access_token}` } }))
    assert.equal((await bad.next()).type, 'connection_ack')
    bad.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: EVENTS, variables: { types: 'nothing.real' } } }))
    let message = await bad.next()
    for (let skipped = 0; message.type === 'ping' && skipped < 10; skipped++) message = await bad.next()
    const errors = message.payload as Array<{ extensions?: { code: string } }> | { errors: Array<{ extensions?: { code: string } }> }
    const list = Array.isArray(errors) ? errors : errors.errors
    assert.equal(list[0]?.extensions?.code, 'INVALID_INPUT', JSON.stringify(message))
  })
})
