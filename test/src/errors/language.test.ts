import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { arabicCatalogue } from '#src/errors/catalogue-ar.js'
import { errorCatalogue } from '#src/errors/catalogue.js'
import { fieldMessages } from '#src/errors/field-messages.js'
import { preferredLanguage } from '#src/errors/language.js'
import { validationMessagesAr } from '#src/errors/validation-messages-ar.js'
import { useTestApp } from '../../helpers/app.js'
import { bearer, registerUser } from '../../helpers/identity.js'

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort()
const ARABIC = /[\u0600-\u06FF]/

describe('the catalogue in Arabic', () => {
  test('has every code and every reason, in Arabic, with the same placeholders', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      const translated: { message?: string, reasons?: Record<string, string> } | undefined = (arabicCatalogue as Record<string, { message?: string, reasons?: Record<string, string> }>)[code]
      assert.ok(translated?.message !== undefined, `${code} has no Arabic message`)
      assert.match(translated.message, ARABIC, code)
      assert.deepEqual(placeholders(translated.message), placeholders(entry.message), `${code}: placeholders`)
      for (const [reason, message] of Object.entries('reasons' in entry ? entry.reasons : {})) {
        const arabic: string | undefined = translated.reasons?.[reason]
        assert.ok(arabic !== undefined, `${code}.${reason} has no Arabic message`)
        assert.match(arabic, ARABIC, `${code}.${reason}`)
        assert.deepEqual(placeholders(arabic), placeholders(message), `${code}.${reason}: placeholders`)
      }
    }
    assert.deepEqual(Object.keys(arabicCatalogue).sort(), Object.keys(errorCatalogue).sort())
  })

  test('so are the field messages, and schema validation\'s', () => {
    for (const [key, { en, ar }] of Object.entries(fieldMessages)) {
      assert.match(ar, ARABIC, key)
      assert.deepEqual(placeholders(ar), placeholders(en), key)
    }
    for (const keyword of ['required', 'type', 'minLength', 'maxLength', 'minimum', 'maximum', 'format', 'pattern', 'enum', 'additionalProperties', 'notBlank', 'safeText', 'finite']) {
      assert.match(validationMessagesAr[keyword]?.({ limit: 1, type: 'string', format: 'uuid', allowedValues: ['a'] }) ?? '', ARABIC, keyword)
    }
  })
})

test('Accept-Language picks the language by quality; anything else is English', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'en'], ['', 'en'], ['ar', 'ar'], ['ar-LB', 'ar'], ['AR-ae', 'ar'], ['fr-FR, ar;q=0.8, en;q=0.5', 'ar'],
    ['en-US, ar;q=0.9', 'en'], ['ar;q=0.1, en;q=0.2', 'en'], ['fr', 'en'], ['*', 'en'], ['ar;q=0', 'en'], ['ar;q=abc', 'en'], [';;;,,,', 'en']
  ]
  for (const [header, expected] of cases) assert.equal(preferredLanguage(header), expected, String(header))
})

describe('errors in the client\'s language', () => {
  const context = useTestApp()

  test('Arabic messages and details, codes and fields unchanged, Content-Language on every error', async () => {
    const owner = await registerUser(context.app)
    const url = `/api/v1/tenants/${owner.tenant.id}/products`
    const body = { name: 'x', price_cents: -1, currency: 'ZZZ', stock: 1 }
    const english = await context.app.inject({ method: 'POST', url, headers: bearer(owner), payload: body })
    const arabic = await context.app.inject({ method: 'POST', url, headers: { ...bearer(owner), 'accept-language': 'ar-LB,ar;q=0.9,en;q=0.8' }, payload: body })
    assert.equal(english.statusCode, 422)
    assert.equal(arabic.statusCode, 422)
    assert.equal(english.headers['content-language'], 'en')
    assert.equal(arabic.headers['content-language'], 'ar')
    assert.match(String(arabic.headers.vary), /Accept-Language/)
    const [en, ar] = [english.json().error, arabic.json().error]
    assert.equal(ar.code, en.code)
    assert.equal(ar.message, 'لم يجتز متن الطلب التحقق.')
    assert.deepEqual(ar.details.map((detail: { field: string }) => detail.field), en.details.map((detail: { field: string }) => detail.field))
    assert.ok(ar.details.length >= 2, JSON.stringify(ar.details))
    for (const detail of ar.details) assert.match(detail.message, ARABIC, JSON.stringify(detail))
    const missing = ar.details.find((detail: { field: string }) => detail.field === '/category')
    assert.equal(missing?.message, 'مطلوب')
  })

  test('a service\'s own details, the facts they carry, and errors before the route', async () => {
    const owner = await registerUser(context.app)
    const headers = { ...bearer(owner), 'accept-language': 'ar' }
    const location = (await context.app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/locations`, headers, payload: { name: 'Hamra', timezone: 'Asia/Beyrouth' } }))
    assert.equal(location.statusCode, 422)
    assert.deepEqual(location.json().error.details, [{ field: '/timezone', message: 'ليس منطقة زمنية من قاعدة IANA (مثل Asia/Beirut)' }])

    const missing = await context.app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/products/0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b`, headers })
    assert.equal(missing.json().error.code, 'PRODUCT_NOT_FOUND')
    assert.equal(missing.json().error.message, 'لا يوجد منتج بهذا المعرّف في هذا المستأجر.')
    const noRoute = await context.app.inject({ url: '/api/v1/nothing-here', headers: { 'accept-language': 'ar' } })
    assert.equal(noRoute.statusCode, 404)
    assert.equal(noRoute.headers['content-language'], 'ar')
    assert.equal(noRoute.json().error.message, 'لا يوجد مسار يطابق GET /api/v1/nothing-here.')
    const unauthenticated = await context.app.inject({ url: '/api/v1/me', headers: { 'accept-language': 'ar' } })
    assert.equal(unauthenticated.json().error.code, 'UNAUTHORIZED')
    assert.match(unauthenticated.json().error.message, ARABIC)
  })
})
