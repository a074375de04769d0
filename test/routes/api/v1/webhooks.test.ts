import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { uuidv7 } from '#db/ids.js'
import { useTestApp } from '#test/helpers/app.js'
import { createProduct } from '#test/helpers/catalogue.js'
import { registerUser, tenantWithRoles } from '#test/helpers/identity.js'
import { errorFields, requester } from '#test/helpers/requests.js'
import { createWebhook, webhooksUrl } from '#test/helpers/webhooks.js'
import { eventsNumbered } from '#test/helpers/events.js'

const URL_A = 'https://hooks.example.com/a'

describe('/api/v1/tenants/{tenant_id}/webhooks', () => {
  // No worker: these tests are about the API, and their URLs lead nowhere.
  const context = useTestApp({ env: { WEBHOOKS_ENABLED: 'false' } })
  const call = requester(() => context.app)
  let roles: Awaited<ReturnType<typeof tenantWithRoles>>
  before(async () => { roles = await tenantWithRoles(context.app) })

  test('POST answers 201 with Location, ETag and the secret once; GET and lists never show it', async () => {
    const created = await call('POST', webhooksUrl(roles.admin), roles.admin, { payload: { url: URL_A, types: ['product.*', 'order.paid'] } })
    assert.equal(created.statusCode, 201, created.body)
    const webhook = created.json().data
    assert.equal(created.headers.location, `${webhooksUrl(roles.admin)}/${webhook.id}`)
    assert.equal(created.headers.etag, '"1"')
    assert.match(webhook.secret, /^whsec_/)
    assert.deepEqual({ ...webhook, id: undefined, secret: undefined, created_at: undefined, updated_at: undefined }, {
      id: undefined,
      secret: undefined,
      created_at: undefined,
      updated_at: undefined,
      url: URL_A,
      types: ['product.*', 'order.paid'],
      active: true,
      failing_since: null,
      disabled_at: null,
      disabled_reason: null,
      previous_secret_expires_at: null,
      created_by: roles.admin.user.id
    })

    const read = await call('GET', created.headers.location as string, roles.owner)
    assert.equal(read.statusCode, 200)
    assert.equal(read.headers.etag, '"1"')
    assert.equal(read.json().data.secret, undefined)
    assert.ok(!read.body.includes(webhook.secret))
    assert.equal((await call('GET', created.headers.location as string, roles.owner, { headers: { 'if-none-match': '"1"' } })).statusCode, 304)
    const list = await call('GET', `${webhooksUrl(roles.owner)}?page_size=100`, roles.owner)
    assert.equal(list.statusCode, 200)
    assert.ok(!list.body.includes(webhook.secret))
    assert.ok(list.json().data.some((item: { id: string }) => item.id === webhook.id))
    assert.deepEqual(Object.keys(list.json().meta), ['page', 'page_size', 'total', 'total_pages'])
  })

  test('members and guests get 403 on every operation; another tenant\'s webhook is 404', async () => {
    const webhook = await createWebhook(context.app, roles.owner, { url: URL_A })
    const one = `${webhooksUrl(roles.owner)}/${webhook.id}`
    for (const session of [roles.member, roles.guest]) {
      const attempts = [
        await call('GET', webhooksUrl(session), session),
        await call('POST', webhooksUrl(session), session, { payload: { url: URL_A } }),
        await call('GET', one, session),
        await call('PATCH', one, session, { payload: { active: false } }),
        await call('DELETE', one, session),
        await call('POST', `${one}/rotate-secret`, session),
        await call('GET', `${one}/deliveries`, session),
        await call('POST', `${one}/deliveries/${uuidv7()}/redeliver`, session)
      ]
      assert.deepEqual(attempts.map((r) => [r.statusCode, r.json().error?.code]), attempts.map(() => [403, 'FORBIDDEN']))
    }
    const outsider = await registerUser(context.app)
    const elsewhere = `${webhooksUrl(outsider)}/${webhook.id}`
    for (const response of [await call('GET', elsewhere, outsider), await call('PATCH', elsewhere, outsider, { payload: { active: false } }),
      await call('DELETE', elsewhere, outsider), await call('POST', `${elsewhere}/rotate-secret`, outsider), await call('GET', `${elsewhere}/deliveries`, outsider)]) {
      assert.deepEqual([response.statusCode, response.json().error.code], [404, 'WEBHOOK_NOT_FOUND'])
    }
  })

  test('bad input is 422 naming the field, and nothing is stored', async () => {
    const owner = await registerUser(context.app)
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{}, ['/url']],
      [{ url: 'not a url' }, ['/url']],
      [{ url: 'ftp://hooks.example.com/' }, ['/url']],
      [{ url: 'https://user:secret@hooks.example.com/' }, ['/url']],
      [{ url: URL_A, types: ['product.created', 'product.exploded'] }, ['/types/1']],
      [{ url: URL_A, types: ['warehouse.*'] }, ['/types/0']],
      [{ url: URL_A, types: ['product'] }, ['/types/0']],
      [{ url: URL_A, types: ['order.paid', 'order.paid'] }, ['/types']],
      [{ url: URL_A, active: 'yes' }, ['/active']],
      [{ url: URL_A, secret: 'whsec_mine' }, ['/secret']],
      [{ url: `https://hooks.example.com/${'x'.repeat(2048)}` }, ['/url']]
    ]
    for (const [payload, fields] of cases) {
      const response = await call('POST', webhooksUrl(owner), owner, { payload })
      assert.equal(response.statusCode, 422, JSON.stringify(payload))
      assert.equal(response.json().error.code, 'INVALID_INPUT')
      assert.deepEqual(errorFields(response), fields, JSON.stringify(payload))
    }
    const webhook = await createWebhook(context.app, owner, { url: URL_A })
    const patch = async (payload: object) => await call('PATCH', `${webhooksUrl(owner)}/${webhook.id}`, owner, { payload })
    assert.equal((await patch({})).statusCode, 422)
    assert.deepEqual(errorFields(await patch({ types: ['task.*', 'nope.*'] })), ['/types/1'])
    assert.equal((await context.app.db.selectFrom('webhook_endpoints').select('id').where('tenant_id', '=', owner.tenant.id).execute()).length, 1)
    assert.deepEqual(errorFields(await call('GET', `${webhooksUrl(owner)}/12345`, owner)), ['/webhook_id'])
  })

  test('PATCH changes only what it sends and bumps the ETag; a stale If-Match is 412; DELETE is 204 then 404', async () => {
    const owner = await registerUser(context.app)
    const webhook = await createWebhook(context.app, owner, { url: URL_A, types: ['order.*'] })
    const one = `${webhooksUrl(owner)}/${webhook.id}`
    const changed = await call('PATCH', one, owner, { payload: { active: false }, headers: { 'if-match': '"1"' } })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.headers.etag, '"2"')
    assert.deepEqual([changed.json().data.active, changed.json().data.url, changed.json().data.types, changed.json().data.disabled_at], [false, URL_A, ['order.*'], null])
    assert.equal((await call('PATCH', one, owner, { payload: { types: [] }, headers: { 'if-match': '"1"' } })).statusCode, 412)
    const all = await call('PATCH', one, owner, { payload: { types: [], url: 'https://hooks.example.com/b' } })
    assert.deepEqual([all.json().data.types, all.json().data.url, all.headers.etag], [[], 'https://hooks.example.com/b', '"3"'])
    assert.equal((await call('DELETE', one, owner, { headers: { 'if-match': '"2"' } })).statusCode, 412)
    assert.equal((await call('DELETE', one, owner, { headers: { 'if-match': '"3"' } })).statusCode, 204)
    assert.equal((await call('GET', one, owner)).statusCode, 404)
    assert.equal((await call('DELETE', one, owner)).statusCode, 404)
  })

  test('rotate-secret answers a new secret once; the previous one stays valid for 24 hours', async () => {
    const owner = await registerUser(context.app)
    const webhook = await createWebhook(context.app, owner, { url: URL_A })
    const rotated = await call('POST', `${webhooksUrl(owner)}/${webhook.id}/rotate-secret`, owner)
    assert.equal(rotated.statusCode, 200, rotated.body)
    assert.notEqual(rotated.json().data.secret, webhook.secret)
    assert.equal(rotated.headers.etag, '"2"')
    const row = await context.app.db.selectFrom('webhook_endpoints').select(['secret', 'previous_secret']).where('id', '=', webhook.id).executeTakeFirstOrThrow()
    assert.deepEqual(row, { secret: rotated.json().data.secret, previous_secret: webhook.secret })
    const read = await call('GET', `${webhooksUrl(owner)}/${webhook.id}`, owner)
    assert.ok(!read.body.includes(webhook.secret) && !read.body.includes(row.secret))
    assert.equal(read.json().data.previous_secret_expires_at, rotated.json().data.previous_secret_expires_at)
  })

  test('a new webhook starts after the events already recorded; a tenant has at most 20', async () => {
    const owner = await registerUser(context.app)
    await createProduct(context.app, owner)
    await eventsNumbered(context.app)
    const webhook = await createWebhook(context.app, owner, { url: URL_A })
    const [endpoint, counter] = await Promise.all([
      context.app.db.selectFrom('webhook_endpoints').select('after_event_id').where('id', '=', webhook.id).executeTakeFirstOrThrow(),
      context.app.db.selectFrom('event_counters').select('last_id').where('tenant_id', '=', owner.tenant.id).executeTakeFirstOrThrow()
    ])
    assert.ok(Number(counter.last_id) >= 1)
    assert.equal(Number(endpoint.after_event_id), Number(counter.last_id))
    for (let i = 1; i < 20; i++) await createWebhook(context.app, owner, { url: `${URL_A}/${i}` })
    const over = await call('POST', webhooksUrl(owner), owner, { payload: { url: URL_A } })
    assert.deepEqual([over.statusCode, over.json().error.code, over.json().error.message], [409, 'WEBHOOK_LIMIT_REACHED', 'This tenant already has 20 webhooks; delete one first.'])
    const page = await call('GET', `${webhooksUrl(owner)}?page=2&page_size=15`, owner)
    assert.deepEqual(page.json().meta, { page: 2, page_size: 15, total: 20, total_pages: 2 })
    assert.equal(page.json().data.length, 5)
  })

  test('the delivery log is newest first, filtered by status, with signed cursors', async () => {
    const owner = await registerUser(context.app)
    const webhook = await createWebhook(context.app, owner, { url: URL_A })
    const base = Date.parse('2026-12-01T10:00:00.000Z')
    await context.app.db.insertInto('webhook_deliveries').values([1, 2, 3].map((n) => ({
      id: uuidv7(base + n),
      tenant_id: owner.tenant.id,
      endpoint_id: webhook.id,
      event_id: n,
      event_type: 'product.created',
      status: n === 2 ? 'failed' as const : 'succeeded' as const,
      attempts: 1,
      created_at: new Date(base + n * 1000).toISOString()
    }))).execute()
    const url = `${webhooksUrl(owner)}/${webhook.id}/deliveries`
    const first = await call('GET', `${url}?limit=2`, owner)
    assert.equal(first.statusCode, 200, first.body)
    assert.deepEqual(first.json().data.map((d: { event_id: number }) => d.event_id), [3, 2])
    const next = first.json().meta.next_cursor
    assert.equal(typeof next, 'string')
    const second = await call('GET', `${url}?limit=2&cursor=${encodeURIComponent(next)}`, owner)
    assert.deepEqual([second.json().data.map((d: { event_id: number }) => d.event_id), second.json().meta.next_cursor], [[1], null])
    const failed = await call('GET', `${url}?status=failed`, owner)
    assert.deepEqual(failed.json().data.map((d: { event_id: number, status: string }) => [d.event_id, d.status]), [[2, 'failed']])
    const altered = (next.startsWith('W') ? 'X' : 'W') + next.slice(1)
    assert.equal((await call('GET', `${url}?cursor=${altered}`, owner)).json().error.code, 'INVALID_CURSOR')
    assert.deepEqual(errorFields(await call('GET', `${url}?status=lost`, owner)), ['/status'])
  })

  test('maintenance purges finished deliveries older than 7 days, and nothing pending', async () => {
    const owner = await registerUser(context.app)
    const webhook = await createWebhook(context.app, owner, { url: URL_A })
    const old = new Date(Date.now() - 8 * 86400_000).toISOString()
    const rows = [['succeeded', old], ['failed', old], ['pending', old], ['succeeded', new Date().toISOString()]] as const
    await context.app.db.insertInto('webhook_deliveries').values(rows.map(([status, createdAt], n) => ({
      id: uuidv7(), tenant_id: owner.tenant.id, endpoint_id: webhook.id, event_id: n + 1, event_type: 'task.created', status, created_at: createdAt
    }))).execute()
    const removed = await context.app.maintenance.runNow()
    assert.equal(removed?.webhook_deliveries, 2)
    const left = await context.app.db.selectFrom('webhook_deliveries').select('event_id').where('endpoint_id', '=', webhook.id).orderBy('event_id').execute()
    assert.deepEqual(left.map((row) => Number(row.event_id)), [3, 4])
  })
})
