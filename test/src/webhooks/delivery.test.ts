import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct } from '#test/helpers/catalogue.js'
import { registerUser, type TestSession } from '#test/helpers/identity.js'
import { requester } from '#test/helpers/requests.js'
import { eventually, startReceiver, verifySignature, type Receiver } from '#test/helpers/webhook-receiver.js'
import { createWebhook, deliveriesOf, eventIdOf, webhooksUrl } from '#test/helpers/webhooks.js'

const TIMEOUT_MS = 1000

describe('webhook deliveries to a loopback receiver', () => {
  // The receivers listen on 127.0.0.1, which only an operator setting lets webhooks reach.
  const context = useTestApp({
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) }
  })
  const call = requester(() => context.app)
  const receivers: Receiver[] = []
  const receiver = async (): Promise<Receiver> => {
    const started = await startReceiver()
    receivers.push(started)
    return started
  }
  after(async () => { await Promise.all(receivers.map(async (r) => { await r.close() })) })

  let owner: TestSession
  before(async () => { owner = await registerUser(context.app) })

  test('a product created through the API reaches the receiver, signed, with Webhook-Id = tenant:event id; types filter', async () => {
    const tenant = await registerUser(context.app)
    const target = await receiver()
    const webhook = await createWebhook(context.app, tenant, { url: target.url, types: ['product.*'] })
    assert.match(webhook.secret, /^whsec_[A-Za-z0-9_-]{43}$/)
    await createLocation(context.app, tenant)
    const product = await createProduct(context.app, tenant)

    const [request] = await target.waitFor(1)
    assert.ok(request !== undefined)
    const eventId = await eventIdOf(context.app, tenant.tenant.id, 'product.created', product.id)
    assert.equal(request.method, 'POST')
    assert.equal(request.path, '/hook')
    assert.equal(request.headers['content-type'], 'application/json')
    assert.equal(request.headers['user-agent'], 'retail-ops-webhooks/1')
    assert.equal(request.headers['webhook-id'], `${tenant.tenant.id}:${eventId}`)
    assert.ok(verifySignature(webhook.secret, request.headers['webhook-signature'] as string, request.body), 'the signature verifies with the secret')
    assert.match(String(request.headers['webhook-signature']), /^t=\d+,v1=[0-9a-f]{64}$/)
    assert.equal(request.headers['webhook-timestamp'], /^t=(\d+)/.exec(String(request.headers['webhook-signature']))?.[1])
    assert.equal(verifySignature('whsec_wrong', request.headers['webhook-signature'] as string, request.body), false)
    assert.equal(verifySignature(webhook.secret, request.headers['webhook-signature'] as string, request.body + ' '), false)
    const event = JSON.parse(request.body)
    assert.deepEqual(Object.keys(event), ['id', 'type', 'tenant_id', 'resource_id', 'actor_id', 'occurred_at', 'data'])
    assert.deepEqual([event.id, event.type, event.tenant_id, event.resource_id, event.actor_id], [eventId, 'product.created', tenant.tenant.id, product.id, tenant.user.id])
    assert.equal(event.data.name, product.name)

    const [delivery] = await eventually(async () => {
      const log = await deliveriesOf(context.app, tenant, webhook.id)
      return log[0]?.status === 'succeeded' ? log : undefined
    })
    assert.deepEqual([delivery?.event_id, delivery?.event_type, delivery?.attempts, delivery?.last_status_code, delivery?.next_attempt_at], [eventId, 'product.created', 1, 200, null])
    assert.ok(typeof delivery?.last_latency_ms === 'number' && delivery.delivered_at !== null)
    // The location.created event before it was not for this webhook: one delivery, one request.
    assert.equal((await deliveriesOf(context.app, tenant, webhook.id)).length, 1)
    assert.equal(target.received.length, 1)
  })

  test('500, 500, then 200: the same event three times (same Webhook-Id, so the receiver dedupes), then succeeded', async () => {
    const target = await receiver()
    target.answer((_, index) => index < 2 ? 500 : 200)
    const webhook = await createWebhook(context.app, owner, { url: target.url, types: ['product.created'] })
    await createProduct(context.app, owner)
    const requests = await target.waitFor(3)
    const ids = new Set(requests.map((r) => r.headers['webhook-id']))
    assert.equal(ids.size, 1, 'one event id over the retries')
    assert.deepEqual(new Set(requests.map((r) => JSON.parse(r.body).id)).size, 1)
    for (const request of requests) assert.ok(verifySignature(webhook.secret, request.headers['webhook-signature'] as string, request.body))
    const processed = new Set<string>()
    for (const request of requests) processed.add(String(request.headers['webhook-id']))
    assert.equal(processed.size, 1, 'a receiver keyed on Webhook-Id handles it once')

    const [delivery] = await eventually(async () => {
      const log = await deliveriesOf(context.app, owner, webhook.id)
      return log[0]?.status === 'succeeded' ? log : undefined
    })
    assert.deepEqual([delivery?.attempts, delivery?.last_status_code, delivery?.last_error], [3, 200, null])
    const row = await context.app.db.selectFrom('webhook_endpoints').select(['consecutive_failures', 'failing_since', 'active']).where('id', '=', webhook.id).executeTakeFirstOrThrow()
    assert.deepEqual(row, { consecutive_failures: 0, failing_since: null, active: true })
    assert.equal(target.received.length, 3)
  })

  test('a receiver that never answers does not delay another endpoint; its attempt times out and is retried', async () => {
    const tenant = await registerUser(context.app)
    const slow = await receiver()
    slow.answer(() => 'hang')
    const fast = await receiver()
    const slowHook = await createWebhook(context.app, tenant, { url: slow.url })
    await createWebhook(context.app, tenant, { url: fast.url })
    const started = performance.now()
    await createProduct(context.app, tenant)
    const [first] = await fast.waitFor(1)
    assert.ok(first !== undefined)
    assert.ok(first.at - started < TIMEOUT_MS * 0.8, `the fast endpoint got it after ${Math.round(first.at - started)} ms`)
    await slow.waitFor(1)
    const [delivery] = await eventually(async () => {
      const log = await deliveriesOf(context.app, tenant, slowHook.id)
      return (log[0]?.attempts ?? 0) >= 1 ? log : undefined
    }, { timeoutMs: TIMEOUT_MS * 5 })
    assert.equal(delivery?.status, 'pending')
    assert.equal(delivery?.last_error, `timed out after ${TIMEOUT_MS} ms`)
    assert.equal(delivery?.last_status_code, null)
    assert.ok((delivery?.last_latency_ms ?? 0) >= TIMEOUT_MS * 0.9)
    await call('DELETE', `${webhooksUrl(tenant)}/${slowHook.id}`, tenant)
  })

  test('redelivery sends the same event again; an inactive webhook or an unknown delivery refuses it', async () => {
    const tenant = await registerUser(context.app)
    const target = await receiver()
    const webhook = await createWebhook(context.app, tenant, { url: target.url })
    await createProduct(context.app, tenant)
    const [first] = await target.waitFor(1)
    const [delivery] = await eventually(async () => {
      const log = await deliveriesOf(context.app, tenant, webhook.id)
      return log[0]?.status === 'succeeded' ? log : undefined
    })
    assert.ok(delivery !== undefined && first !== undefined)
    const redeliverUrl = `${webhooksUrl(tenant)}/${webhook.id}/deliveries/${delivery.id}/redeliver`
    const queued = await call('POST', redeliverUrl, tenant)
    assert.equal(queued.statusCode, 202, queued.body)
    assert.equal(queued.json().data.status, 'pending')
    const [, again] = await target.waitFor(2)
    assert.equal(again?.headers['webhook-id'], first.headers['webhook-id'])
    assert.equal(again?.body, first.body)
    await eventually(async () => (await deliveriesOf(context.app, tenant, webhook.id))[0]?.attempts === 2)

    const unknown = await call('POST', `${webhooksUrl(tenant)}/${webhook.id}/deliveries/0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b/redeliver`, tenant)
    assert.equal(unknown.json().error?.code, 'WEBHOOK_DELIVERY_NOT_FOUND')
    assert.equal((await call('PATCH', `${webhooksUrl(tenant)}/${webhook.id}`, tenant, { payload: { active: false } })).statusCode, 200)
    const inactive = await call('POST', redeliverUrl, tenant)
    assert.deepEqual([inactive.statusCode, inactive.json().error?.code], [409, 'WEBHOOK_INACTIVE'])
  })

  test('secret rotation: both signatures during the overlap, then only the new one', async () => {
    const tenant = await registerUser(context.app)
    const target = await receiver()
    const webhook = await createWebhook(context.app, tenant, { url: target.url })
    const rotated = await call('POST', `${webhooksUrl(tenant)}/${webhook.id}/rotate-secret`, tenant)
    assert.equal(rotated.statusCode, 200, rotated.body)
    const { secret, previous_secret_expires_at: expiresAt } = rotated.json().data
    assert.notEqual(secret, webhook.secret)
    const overlap = Date.parse(expiresAt) - Date.now()
    assert.ok(overlap > 23.9 * 3600_000 && overlap <= 24 * 3600_000, `overlap ${overlap} ms`)

    await createProduct(context.app, tenant)
    const [during] = await target.waitFor(1)
    const header = String(during?.headers['webhook-signature'])
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/)
    assert.ok(verifySignature(secret, header, during?.body ?? ''), 'the new secret verifies')
    assert.ok(verifySignature(webhook.secret, header, during?.body ?? ''), 'the old secret still verifies')

    await context.app.db.updateTable('webhook_endpoints').set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', webhook.id).execute()
    await createProduct(context.app, tenant)
    const [, afterExpiry] = await target.waitFor(2)
    const later = String(afterExpiry?.headers['webhook-signature'])
    assert.match(later, /^t=\d+,v1=[0-9a-f]{64}$/)
    assert.ok(verifySignature(secret, later, afterExpiry?.body ?? ''))
    assert.equal(verifySignature(webhook.secret, later, afterExpiry?.body ?? ''), false)
  })
})
