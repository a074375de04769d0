import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { errors } from '#src/errors/index.js'
import { useTestApp } from '../helpers/app.js'

const EchoBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 10 }),
  price_cents: Type.Integer({ minimum: 0 }),
  note: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
  code: Type.Optional(Type.String({ minLength: 3, pattern: '^[a-z]+$' }))
}, { additionalProperties: false })

/** Test-only routes that exercise each error path through the real plugins. */
function addProbeRoutes (app: FastifyInstance): void {
  app.post('/probe/echo', { schema: { body: EchoBody } }, async (request) => ({ data: request.body, error: null }))
  app.get('/probe/query', { schema: { querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }) }, { additionalProperties: false }) } },
    async (request) => ({ data: request.query, error: null }))
  app.get('/probe/crash', async () => { throw new Error('secret internal detail: relation "users" at 10.0.0.5') })
  app.get('/probe/domain', async () => { throw errors.FORBIDDEN() })
  app.get('/probe/sql-error', async () => { throw Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), { code: '23505', detail: 'Key (email)=(a@b.c) already exists.' }) })
}

describe('error envelope', () => {
  const context = useTestApp({ configure: addProbeRoutes })

  test('an unknown route is 404 ROUTE_NOT_FOUND in the envelope', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/no/such/route' })
    assert.equal(response.statusCode, 404)
    const body = response.json()
    assert.equal(body.data, null)
    assert.equal(body.error.code, 'ROUTE_NOT_FOUND')
    assert.equal(body.error.request_id, response.headers['x-request-id'])
  })

  test('malformed JSON is 400 INVALID_JSON', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'application/json' }, payload: '{"name": ' })
    assert.equal(response.statusCode, 400)
    assert.equal(response.json().error.code, 'INVALID_JSON')
  })

  test('an empty JSON body is 400 INVALID_JSON', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'application/json' }, payload: '' })
    assert.equal(response.statusCode, 400)
    assert.equal(response.json().error.code, 'INVALID_JSON')
  })

  test('schema failures are 422 INVALID_INPUT listing every field', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/probe/echo', payload: { name: '', price_cents: -1, extra: true } })
    assert.equal(response.statusCode, 422)
    const { error } = response.json()
    assert.equal(error.code, 'INVALID_INPUT')
    const fields = error.details.map((detail: { field: string }) => detail.field).sort()
    assert.deepEqual(fields, ['/extra', '/name', '/note', '/price_cents'])
    assert.match(error.details.find((d: { field: string }) => d.field === '/price_cents').message, />= 0/)
  })

  test('a bad value for a nullable field gets one detail, not one per alternative', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/probe/echo', payload: { name: 'a', price_cents: 5, note: 5 } })
    assert.equal(response.statusCode, 422)
    assert.deepEqual(response.json().error.details, [{ field: '/note', message: 'must be string or null' }])
    const tooLong = await context.app.inject({ method: 'POST', url: '/probe/echo', payload: { name: 'a', price_cents: 5, note: 'x'.repeat(21) } })
    assert.deepEqual(tooLong.json().error.details, [{ field: '/note', message: 'must NOT have more than 20 characters' }])
  })

  test('a field that breaks several rules gets one detail', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/probe/echo', payload: { name: 'a', price_cents: 5, note: null, code: 'A' } })
    assert.equal(response.statusCode, 422)
    assert.deepEqual(response.json().error.details, [{ field: '/code', message: 'must NOT have fewer than 3 characters' }])
  })

  test('bodies are not coerced: null stays null, a numeric string is not a number', async () => {
    const ok = await context.app.inject({ method: 'POST', url: '/probe/echo', payload: { name: 'a', price_cents: 5, note: null } })
    assert.equal(ok.statusCode, 200)
    assert.deepEqual(ok.json().data, { name: 'a', price_cents: 5, note: null })

    const stringly = await context.app.inject({ method: 'POST', url: '/probe/echo', payload: { name: 'a', price_cents: '5', note: null } })
    assert.equal(stringly.statusCode, 422)
    assert.equal(stringly.json().error.details[0].field, '/price_cents')
  })

  test('query strings are coerced and defaulted, and unknown parameters are refused', async () => {
    assert.deepEqual((await context.app.inject('/probe/query?page=3')).json().data, { page: 3 })
    assert.deepEqual((await context.app.inject('/probe/query')).json().data, { page: 1 })
    const bad = await context.app.inject('/probe/query?page=zero')
    assert.equal(bad.statusCode, 422)
    assert.equal(bad.json().error.details[0].field, '/page')
    const unknown = await context.app.inject('/probe/query?pgae=2')
    assert.equal(unknown.statusCode, 422)
    assert.equal(unknown.json().error.details[0].field, '/pgae')
  })

  test('a body over the limit is 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) })
    assert.equal(response.statusCode, 413)
    assert.equal(response.json().error.code, 'PAYLOAD_TOO_LARGE')
  })

  test('a body that is not JSON is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await context.app.inject({ method: 'POST', url: '/probe/echo', headers: { 'content-type': 'text/plain' }, payload: 'name=a' })
    assert.equal(response.statusCode, 415)
    assert.equal(response.json().error.code, 'UNSUPPORTED_MEDIA_TYPE')
  })

  test('an unexpected error is 500 INTERNAL_ERROR with nothing internal in the body', async () => {
    for (const url of ['/probe/crash', '/probe/sql-error']) {
      const response = await context.app.inject(url)
      assert.equal(response.statusCode, 500)
      const body = response.json()
      assert.equal(body.error.code, 'INTERNAL_ERROR')
      assert.equal(body.error.message, 'An unexpected error occurred.')
      assert.doesNotMatch(response.body, /secret|relation|10\.0\.0\.5|duplicate|users_email|stack/i)
    }
  })

  test('domain errors keep their code and status', async () => {
    const response = await context.app.inject('/probe/domain')
    assert.equal(response.statusCode, 403)
    assert.equal(response.json().error.code, 'FORBIDDEN')
  })
})
