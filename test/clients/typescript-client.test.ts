/**
 * The typed client (clients/typescript) against the real server on a socket, as an integrator
 * would use it: a whole flow with typed bodies, error codes and response headers. The file
 * compiling under `tsc --strict` is half the test; every response is also held to openapi.json
 * (buildTestApp).
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRetailOpsClient, responseHeader, type ErrorCode, type RetailOpsClient } from '../../clients/typescript/index.js'
import { clientTypesPath, generateClientTypes, openApiPath } from '#scripts/openapi-document.js'
import { useTestApp } from '../helpers/app.js'
import { uniqueEmail } from '../helpers/identity.js'

describe('the typed client', () => {
  const context = useTestApp()
  let baseUrl = ''
  let accessToken: string | undefined
  let api: RetailOpsClient

  before(async () => {
    baseUrl = await context.app.listen({ port: 0, host: '127.0.0.1' })
    api = createRetailOpsClient({ baseUrl, accessToken: () => accessToken })
  })

  test('is what openapi-typescript generates from the committed document (run `npm run openapi`)', async () => {
    assert.equal(await readFile(clientTypesPath, 'utf8'), await generateClientTypes(await readFile(openApiPath, 'utf8')))
  })

  test('drives a whole flow: register, location, product, idempotent order, cursor pages, void, conditional update, refresh, logout', async () => {
    const email = uniqueEmail('client')
    const registered = await api.POST('/api/v1/auth/register', { body: { email, password: 'a long enough password', name: 'Client', tenant_name: 'Client Shop' } })
    assert.equal(registered.response.status, 201)
    assert.ok(registered.data !== undefined)
    const session = registered.data.data
    accessToken = session.access_token
    const tenantId = session.tenant.id
    assert.ok(responseHeader(registered.response, 'register', 201, 'X-Request-ID'))

    const location = await api.POST('/api/v1/tenants/{tenant_id}/locations', { params: { path: { tenant_id: tenantId } }, body: { name: 'Beirut Hamra', timezone: 'Asia/Beirut' } })
    assert.ok(location.data !== undefined, JSON.stringify(location.error))
    assert.equal(location.data.data.active, true)
    const locationId = location.data.data.id

    const created = await api.POST('/api/v1/tenants/{tenant_id}/products', {
      params: { path: { tenant_id: tenantId } },
      body: { name: 'Manoushe', price_cents: 250, stock: 10, category: 'bakery' }
    })
    assert.ok(created.data !== undefined, JSON.stringify(created.error))
    const product = created.data.data
    const etag = responseHeader(created.response, 'createProduct', 201, 'ETag')
    assert.match(etag ?? '', /^"\d+"$/)
    assert.equal(responseHeader(created.response, 'createProduct', 201, 'Location'), `/api/v1/tenants/${tenantId}/products/${product.id}`)

    const revalidated = await api.GET('/api/v1/tenants/{tenant_id}/products/{product_id}', { params: { path: { tenant_id: tenantId, product_id: product.id }, header: { 'if-none-match': etag } } })
    assert.equal(revalidated.response.status, 304)
    assert.equal(revalidated.response.headers.get('content-type'), null)

    const key = randomUUID()
    const orderIds: string[] = []
    for (let i = 0; i < 3; i++) {
      const placed = await api.POST('/api/v1/tenants/{tenant_id}/locations/{location_id}/orders', {
        params: { path: { tenant_id: tenantId, location_id: locationId }, header: { 'idempotency-key': `${key}-${i}` } },
        body: { items: [{ product_id: product.id, quantity: 1 }] }
      })
      assert.ok(placed.data !== undefined, JSON.stringify(placed.error))
      orderIds.push(placed.data.data.id)
    }
    const replay = await api.POST('/api/v1/tenants/{tenant_id}/locations/{location_id}/orders', {
      params: { path: { tenant_id: tenantId, location_id: locationId }, header: { 'idempotency-key': `${key}-0` } },
      body: { items: [{ product_id: product.id, quantity: 1 }] }
    })
    assert.equal(responseHeader(replay.response, 'createOrder', 201, 'Idempotent-Replayed'), 'true')
    assert.equal(replay.data?.data.id, orderIds[0])

    const seen: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < 5; page++) {
      const listed = await api.GET('/api/v1/tenants/{tenant_id}/orders', { params: { path: { tenant_id: tenantId }, query: { limit: 2, ...(cursor !== undefined && { cursor }) } } })
      assert.ok(listed.data !== undefined, JSON.stringify(listed.error))
      seen.push(...listed.data.data.map((order) => order.id))
      if (listed.data.meta.next_cursor === null) break
      cursor = listed.data.meta.next_cursor
    }
    assert.deepEqual(seen, [...orderIds].reverse())

    const voided = await api.POST('/api/v1/tenants/{tenant_id}/orders/{order_id}/void', { params: { path: { tenant_id: tenantId, order_id: orderIds[0] ?? '' } }, body: { reason: 'customer changed their mind' } })
    assert.equal(voided.data?.data.status, 'voided')
    const paidVoided = await api.POST('/api/v1/tenants/{tenant_id}/orders/{order_id}/pay', { params: { path: { tenant_id: tenantId, order_id: orderIds[0] ?? '' } } })
    const code: ErrorCode | undefined = paidVoided.error?.error.code
    assert.equal(code, 'ORDER_VOIDED')

    // The orders changed the product's stock, so the ETag from its creation is stale now.
    const stale = await api.PATCH('/api/v1/tenants/{tenant_id}/products/{product_id}', { params: { path: { tenant_id: tenantId, product_id: product.id }, header: { 'if-match': etag } }, body: { price_cents: 300 } })
    assert.equal(stale.response.status, 412)
    assert.equal(stale.error?.error.code, 'PRECONDITION_FAILED')
    const current = await api.GET('/api/v1/tenants/{tenant_id}/products/{product_id}', { params: { path: { tenant_id: tenantId, product_id: product.id } } })
    const currentEtag = responseHeader(current.response, 'getProduct', 200, 'ETag')
    assert.notEqual(currentEtag, etag)
    const updated = await api.PATCH('/api/v1/tenants/{tenant_id}/products/{product_id}', { params: { path: { tenant_id: tenantId, product_id: product.id }, header: { 'if-match': currentEtag } }, body: { price_cents: 300 } })
    assert.equal(updated.data?.data.price_cents, 300)
    // Three orders took three of the ten; the voided one gave its unit back.
    assert.equal(updated.data?.data.stock, 8)

    const refreshed = await api.POST('/api/v1/auth/refresh', { body: { refresh_token: session.refresh_token } })
    assert.ok(refreshed.data !== undefined, JSON.stringify(refreshed.error))
    accessToken = refreshed.data.data.access_token
    assert.equal((await api.GET('/api/v1/me')).data?.data.user.email, email)

    const loggedOut = await api.POST('/api/v1/auth/logout', { body: { refresh_token: refreshed.data.data.refresh_token } })
    assert.equal(loggedOut.response.status, 204)
    const reused = await api.POST('/api/v1/auth/refresh', { body: { refresh_token: refreshed.data.data.refresh_token } })
    assert.equal(reused.error?.error.code, 'INVALID_REFRESH_TOKEN')
    assert.ok(responseHeader(reused.response, 'refreshSession', 401, 'X-Request-ID'))
  })
})
