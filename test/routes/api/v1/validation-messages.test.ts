/**
 * Validation messages a person can act on: what a pattern or format expects in words, with an
 * example (never the regular expression), a missing body named by its required fields, and
 * business rules that report every failing field at once.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { useTestApp } from '../../../helpers/app.js'
import { createLocation, createProduct } from '../../../helpers/catalogue.js'
import { bearer, registerUser } from '../../../helpers/identity.js'
import { orderAction, placeOrder } from '../../../helpers/orders.js'

interface Detail { field: string, message: string }
const REGEX_LOOK = /[\^$\\]|\[[^\]]*\]|\(\?/

describe('validation messages', () => {
  const context = useTestApp()

  test('patterns and formats say what they expect, with an example, in English and Arabic', async () => {
    const owner = await registerUser(context.app)
    const url = `/api/v1/tenants/${owner.tenant.id}/products`
    const payload = { name: 'Tea', price_cents: 100, stock: 1, category: 'Hot Drinks', currency: 'usd' }
    for (const [language, expected] of [
      ['en', { '/category': 'must be lower-case letters and digits in words joined by single dashes, e.g. hot-drinks', '/currency': 'must be an ISO 4217 currency code in capitals, e.g. LBP or USD' }],
      ['ar', { '/category': 'يجب أن يتألف من حروف لاتينية صغيرة وأرقام في كلمات تصل بينها شرطة واحدة، مثل hot-drinks', '/currency': 'يجب أن يكون رمز عملة وفق ISO 4217 بحروف كبيرة، مثل LBP أو USD' }]
    ] as const) {
      const response = await context.app.inject({ method: 'POST', url, headers: { ...bearer(owner), 'accept-language': language }, payload })
      assert.equal(response.statusCode, 422)
      const details = response.json().error.details as Detail[]
      assert.deepEqual(Object.fromEntries(details.map((detail) => [detail.field, detail.message])), expected)
    }

    const badEmail = await context.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'not-an-email', password: 'whatever password' } })
    assert.deepEqual(badEmail.json().error.details, [{ field: '/email', message: 'must be an email address, e.g. name@example.com' }])

    const task = await context.app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/tasks`, headers: bearer(owner), payload: { title: 'Count the till', due_date: '2026-12-01 17:00' } })
    assert.deepEqual(task.json().error.details, [{ field: '/due_date', message: 'must be an RFC 3339 date-time with a time zone offset (Z or +hh:mm) in years 1000 to 9998, e.g. 2026-12-01T17:00:00Z' }])

    const id = await context.app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/products/42`, headers: bearer(owner) })
    assert.deepEqual(id.json().error.details, [{ field: '/product_id', message: 'must be a UUID of 36 characters, e.g. 0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b' }])

    for (const response of [badEmail, task, id]) {
      for (const detail of response.json().error.details as Detail[]) assert.doesNotMatch(detail.message, REGEX_LOOK, detail.message)
    }
  })

  test('voiding without a body says that reason is required', async () => {
    const owner = await registerUser(context.app)
    const location = await createLocation(context.app, owner)
    const product = await createProduct(context.app, owner, { stock: 5 })
    const order = (await placeOrder(context.app, owner, location.id, { items: [{ product_id: product.id, quantity: 1 }] })).json().data
    const voided = await orderAction(context.app, owner, order.id, 'void')
    assert.equal(voided.statusCode, 422)
    assert.deepEqual(voided.json().error.details, [{ field: '/reason', message: 'must have required property \'reason\'' }])
    const arabic = await orderAction(context.app, owner, order.id, 'void', undefined, { 'accept-language': 'ar' })
    assert.deepEqual(arabic.json().error.details, [{ field: '/reason', message: 'مطلوب' }])
    const blank = await orderAction(context.app, owner, order.id, 'void', { reason: '   ' })
    assert.deepEqual(blank.json().error.details, [{ field: '/reason', message: 'must not be blank' }])
  })

  test('business rules report every failing field at once', async () => {
    const owner = await registerUser(context.app)
    const place = await context.app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/locations`, headers: bearer(owner), payload: { name: 'Souk', timezone: 'Asia/Beyrouth', country: 'ZZ' } })
    assert.equal(place.statusCode, 422)
    assert.deepEqual((place.json().error.details as Detail[]).map((detail) => detail.field), ['/timezone', '/country'])

    const location = await createLocation(context.app, owner)
    const dollars = await createProduct(context.app, owner, { currency: 'USD' })
    const pounds = await createProduct(context.app, owner, { currency: 'LBP' })
    const order = await placeOrder(context.app, owner, location.id, {
      items: [
        { product_id: dollars.id, quantity: 1 },
        { product_id: '0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b', quantity: 1 },
        { product_id: pounds.id, quantity: 1 }
      ]
    })
    assert.equal(order.statusCode, 422)
    const error = order.json().error
    assert.equal(error.code, 'INVALID_INPUT')
    assert.deepEqual(error.details, [
      { field: '/items/1/product_id', message: 'no product with this id exists in this tenant' },
      { field: '/items/2/product_id', message: 'is priced in LBP, but the order is in USD (from /items/0)' }
    ])
  })
})
