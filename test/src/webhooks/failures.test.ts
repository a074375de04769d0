import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { buildTestApp, useTestApp } from '#test/helpers/app.js'
import { createProduct } from '#test/helpers/catalogue.js'
import { registerUser } from '#test/helpers/identity.js'
import { requester } from '#test/helpers/requests.js'
import { eventually, startReceiver, type Receiver } from '#test/helpers/webhook-receiver.js'
import { createWebhook, deliveriesOf, eventIdOf, webhooksUrl } from '#test/helpers/webhooks.js'

const env = { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_TIMEOUT_MS: '1000' }

describe('webhooks: persistent failure, and several instances at once', () => {
  const context = useTestApp({ env })
  const call = requester(() => context.app)
  let second: FastifyInstance
  const receivers: Receiver[] = []
  const receiver = async (): Promise<Receiver> => {
    const started = await startReceiver()
    receivers.push(started)
    return started
  }
  before(async () => { second = await buildTestApp(context.database, { env }) })
  after(async () => {
    await second.close()
    await Promise.all(receivers.map(async (r) => { await r.close() }))
  })

  test('an endpoint that fails for 24 hours is disabled; nothing is sent until re-enabled, which resumes where it stopped', async () => {
    const tenant = await registerUser(context.app)
    const target = await receiver()
    target.answer(() => 500)
    const webhook = await createWebhook(context.app, tenant, { url: target.url })
    const first = await createProduct(context.app, tenant)
    await target.waitFor(1)
    await eventually(async () => ((await deliveriesOf(context.app, tenant, webhook.id))[0]?.attempts ?? 0) >= 1)

    // As if the endpoint had failed every attempt for 25 hours: its failure streak and this
    // delivery's retry window both began then.
    const since = new Date(Date.now() - 25 * 3600_000).toISOString()
    await sql`update webhook_deliveries set first_attempt_at = ${since}, next_attempt_at = now() where endpoint_id = ${webhook.id}`.execute(context.app.db)
    await sql`update webhook_endpoints set failing_since = ${since}, paused_until = null, next_delivery_at = now() where id = ${webhook.id}`.execute(context.app.db)

    const disabled = await eventually(async () => {
      const response = await call('GET', `${webhooksUrl(tenant)}/${webhook.id}`, tenant)
      return response.json().data.active === false ? response.json().data : undefined
    })
    assert.match(disabled.disabled_reason, /^Every delivery attempt failed for 24 hours \(last: HTTP 500\)\.$/)
    assert.ok(disabled.disabled_at !== null && disabled.failing_since !== null)
    const [given] = await deliveriesOf(context.app, tenant, webhook.id)
    assert.deepEqual([given?.status, given?.last_status_code, given?.next_attempt_at], ['failed', 500, null])

    // While disabled: no fan-out, no attempt (both instances' passes run to the end here).
    const sent = target.received.length
    const later = await createProduct(context.app, tenant)
    await Promise.all([context.app.webhooks.runOnce(), second.webhooks.runOnce()])
    assert.equal(target.received.length, sent)
    assert.equal((await deliveriesOf(context.app, tenant, webhook.id)).length, 1)

    target.answer(() => 200)
    const enabled = await call('PATCH', `${webhooksUrl(tenant)}/${webhook.id}`, tenant, { payload: { active: true } })
    assert.equal(enabled.statusCode, 200, enabled.body)
    assert.deepEqual([enabled.json().data.active, enabled.json().data.disabled_at, enabled.json().data.disabled_reason, enabled.json().data.failing_since], [true, null, null, null])
    const secondId = await eventIdOf(context.app, tenant.tenant.id, 'product.created', later.id)
    await eventually(() => target.received.some((r) => r.headers['webhook-id'] === `${tenant.tenant.id}:${secondId}`), { what: 'the event committed while disabled' })
    const firstId = await eventIdOf(context.app, tenant.tenant.id, 'product.created', first.id)
    const log = await eventually(async () => {
      const deliveries = await deliveriesOf(context.app, tenant, webhook.id)
      return deliveries.some((d) => d.status === 'succeeded') ? deliveries : undefined
    })
    assert.deepEqual(log.map((d) => [d.event_id, d.status]).sort(), [[firstId, 'failed'], [secondId, 'succeeded']].sort())
  })

  test('two instances deliver each event once, one at a time per endpoint', async () => {
    const tenant = await registerUser(context.app)
    const target = await receiver()
    target.answer(async () => { await sleep(5); return 204 })
    const webhook = await createWebhook(context.app, tenant, { url: target.url, types: ['product.created'] })
    const count = 15
    for (let i = 0; i < count; i++) await createProduct(i % 2 === 0 ? context.app : second, tenant)
    await target.waitFor(count)
    await Promise.all([context.app.webhooks.runOnce(), second.webhooks.runOnce()])
    const ids = target.received.map((r) => String(r.headers['webhook-id']))
    assert.equal(ids.length, count, 'nothing sent twice')
    assert.equal(new Set(ids).size, count)
    assert.equal(target.maxInFlight, 1, 'at most one delivery in flight per endpoint')
    const log = await deliveriesOf(context.app, tenant, webhook.id)
    assert.equal(log.length, count)
    assert.ok(log.every((d) => d.status === 'succeeded' && d.attempts === 1 && d.last_status_code === 204))
  })
})
