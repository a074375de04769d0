import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { useTestApp } from '../helpers/app.js'
import { createLocation, createProduct } from '../helpers/catalogue.js'
import { bearer, registerUser, type TestSession } from '../helpers/identity.js'
import { errorFields, requester } from '../helpers/requests.js'

/** Sends raw bytes on a fresh socket and returns what the server wrote back before closing. */
async function rawExchange (port: number, request: string | Buffer): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer: ${answer}`)) }, 5000)
    socket.on('data', (chunk) => { answer += chunk.toString('latin1') })
    socket.on('close', () => { clearTimeout(timer); resolve(answer) })
    socket.on('error', () => {})
    socket.write(request)
  })
}

function envelopeOf (raw: string): { status: number, headers: string, body: { data: unknown, error: { code: string, request_id: string } } } {
  const [head = '', body = ''] = raw.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) }
}

describe('hostile input: every refusal is a 4xx in the envelope, and nothing is stored', () => {
  const context = useTestApp()
  const call = requester(() => context.app)
  let owner: TestSession
  let tenantUrl: string
  before(async () => {
    owner = await registerUser(context.app)
    tenantUrl = `/api/v1/tenants/${owner.tenant.id}`
  })
  const postJson = async (url: string, body: string | Buffer) =>
    await context.app.inject({ method: 'POST', url, headers: { ...bearer(owner), 'content-type': 'application/json' }, payload: body })
  const count = async (table: 'products' | 'tasks' | 'locations') =>
    (await context.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', owner.tenant.id).executeTakeFirstOrThrow()).n

  test('NUL, an unpaired surrogate, invalid UTF-8 and a blank name are 422 naming the field, in every stored text', async () => {
    const cases: Array<[string, string, string]> = [
      [`${tenantUrl}/products`, '{"name":"a\\u0000b","price_cents":1,"stock":1,"category":"x"}', '/name'],
      [`${tenantUrl}/products`, '{"name":"ok","description":"\\ud800","price_cents":1,"stock":1,"category":"x"}', '/description'],
      [`${tenantUrl}/products`, '{"name":"   ","price_cents":1,"stock":1,"category":"x"}', '/name'],
      [`${tenantUrl}/tasks`, '{"title":"x\\u0000"}', '/title'],
      [`${tenantUrl}/tasks`, '{"title":"\\t \\n"}', '/title'],
      [`${tenantUrl}/locations`, '{"name":"Store","timezone":"UTC","city":"Bei\\u0000rut"}', '/city'],
      [`${tenantUrl}/locations`, '{"name":"Store","timezone":"UTC","address_line1":"\\udfff"}', '/address_line1']
    ]
    for (const [url, body, field] of cases) {
      const response = await postJson(url, body)
      assert.equal(response.statusCode, 422, `${body}: ${response.body}`)
      assert.equal(response.json().error.code, 'INVALID_INPUT')
      assert.deepEqual(errorFields(response), [field], body)
    }
    // Bytes that are not UTF-8 (0xFF 0xFE) decode to U+FFFD, which is refused rather than stored.
    const invalid = await postJson(`${tenantUrl}/products`, Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","price_cents":1,"stock":1,"category":"x"}')]))
    assert.equal(invalid.statusCode, 422)
    assert.deepEqual(errorFields(invalid), ['/name'])
    assert.match(invalid.json().error.details[0].message, /UTF-8/)
    assert.deepEqual([await count('products'), await count('tasks'), await count('locations')], [0, 0, 0])
  })

  test('NUL in a query string is 422, and so is Infinity in any integer parameter', async () => {
    const nul = await call('GET', `${tenantUrl}/products?q=%00`, owner)
    assert.equal(nul.statusCode, 422)
    assert.deepEqual(errorFields(nul), ['/q'])
    for (const [path, parameter] of [['products', 'page'], ['products', 'page_size'], ['products', 'min_price'], ['products', 'max_price'], ['tasks', 'page'], ['orders', 'limit']] as const) {
      for (const value of ['1e309', 'Infinity', '-1e309']) {
        const response = await call('GET', `${tenantUrl}/${path}?${parameter}=${value}`, owner)
        assert.equal(response.statusCode, 422, `${path}?${parameter}=${value}: ${response.body}`)
        assert.deepEqual(errorFields(response), [`/${parameter}`])
      }
    }
  })

  test('urn:uuid:<id> is not a UUID, in the path and in the query', async () => {
    const product = await createProduct(context.app, owner)
    const location = await createLocation(context.app, owner)
    const inPath = await call('GET', `${tenantUrl}/products/urn:uuid:${product.id}`, owner)
    assert.equal(inPath.statusCode, 422)
    assert.deepEqual(errorFields(inPath), ['/product_id'])
    const inQuery = await call('GET', `${tenantUrl}/orders?location_id=urn:uuid:${location.id}`, owner)
    assert.equal(inQuery.statusCode, 422)
    assert.deepEqual(errorFields(inQuery), ['/location_id'])
    // Upper case is still the same UUID: the tenant's own id in capitals is its tenant.
    assert.equal((await call('GET', `/api/v1/tenants/${owner.tenant.id.toUpperCase()}`, owner)).statusCode, 200)
    assert.equal((await call('GET', `${tenantUrl}/products/${product.id.toUpperCase()}`, owner)).statusCode, 200)
  })

  test('stock above 1,000,000,000 and an unknown tenant currency are 422; a void of the largest stock gives it back', async () => {
    const product = await createProduct(context.app, owner, { stock: 1_000_000_000 })
    for (const stock of [1_000_000_001, 2147483647]) {
      const response = await call('PATCH', `${tenantUrl}/products/${product.id}`, owner, { payload: { stock } })
      assert.equal(response.statusCode, 422)
      assert.deepEqual(errorFields(response), ['/stock'])
    }
    const currency = await call('PATCH', tenantUrl, owner, { payload: { currency: 'ZZZ' } })
    assert.equal(currency.statusCode, 422)
    assert.deepEqual(errorFields(currency), ['/currency'])
    assert.equal((await call('GET', tenantUrl, owner)).json().data.currency, 'USD')

    const location = await createLocation(context.app, owner)
    const order = await call('POST', `${tenantUrl}/locations/${location.id}/orders`, owner, { payload: { items: [{ product_id: product.id, quantity: 10000 }] } })
    assert.equal(order.statusCode, 201, order.body)
    assert.equal((await call('PATCH', `${tenantUrl}/products/${product.id}`, owner, { payload: { stock: 1_000_000_000 } })).statusCode, 200)
    const voided = await call('POST', `${tenantUrl}/orders/${order.json().data.id}/void`, owner, { payload: { reason: 'test' } })
    assert.equal(voided.statusCode, 200, voided.body)
    assert.equal((await call('GET', `${tenantUrl}/products/${product.id}`, owner)).json().data.stock, 1_000_010_000)
  })

  test('a malformed percent-encoding in the path is 400 BAD_REQUEST in the envelope, with a request id and security headers', async () => {
    const response = await context.app.inject({ url: '/api/v1/tenants/%E0%A4%A/products', headers: bearer(owner) })
    assert.equal(response.statusCode, 400)
    const body = response.json()
    assert.equal(body.data, null)
    assert.equal(body.error.code, 'BAD_REQUEST')
    assert.equal(body.error.request_id, response.headers['x-request-id'])
    assert.equal(response.headers['x-content-type-options'], 'nosniff')
    const long = await context.app.inject({ url: `${tenantUrl}/products/${'a'.repeat(300)}`, headers: bearer(owner) })
    assert.equal(long.statusCode, 400)
    assert.equal(long.json().error.code, 'BAD_REQUEST')
  })

  test('over a real socket: oversized headers are 431 and a malformed request 400, both in the envelope', async () => {
    await context.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = context.app.server.address() as AddressInfo
    const oversized = envelopeOf(await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`))
    assert.equal(oversized.status, 431)
    assert.equal(oversized.body.error.code, 'HEADERS_TOO_LARGE')
    assert.match(oversized.headers, new RegExp(`x-request-id: ${oversized.body.error.request_id}`))
    assert.match(oversized.headers, /x-content-type-options: nosniff/)
    const malformed = envelopeOf(await rawExchange(port, 'GET /health HTTP/1.1\r\nHost x\r\n\r\n'))
    assert.equal(malformed.status, 400)
    assert.equal(malformed.body.error.code, 'BAD_REQUEST')
    assert.equal(malformed.body.data, null)
  })
})
