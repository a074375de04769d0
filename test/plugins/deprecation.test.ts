import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Type } from 'typebox'
import { deprecationHeaders } from '#plugins/deprecation.js'
import { errorResponses, BEARER_ERRORS } from '#src/schemas/index.js'
import { useTestApp } from '../helpers/app.js'
import { bearer, registerUser } from '../helpers/identity.js'

const legacyPath = '/api/v1/legacy/whoami'

describe('a deprecated operation', () => {
  const context = useTestApp({
    configure: (app) => {
      app.get(legacyPath, {
        onRequest: app.authenticate,
        config: { deprecation: { since: '2026-12-01', sunset: '2027-06-30', successor: '/api/v1/me' } },
        schema: {
          operationId: 'getLegacyWhoami',
          summary: 'The signed-in user id (use GET /api/v1/me)',
          tags: ['me'],
          response: { 200: Type.Object({ data: Type.Object({ user_id: Type.String() }), error: Type.Null() }), ...errorResponses(...BEARER_ERRORS) }
        }
      }, async (request) => ({ data: { user_id: request.auth.userId }, error: null }))
    }
  })

  test('answers with Deprecation, Sunset and a successor Link, errors too', async () => {
    const owner = await registerUser(context.app)
    const response = await context.app.inject({ url: legacyPath, headers: bearer(owner) })
    assert.equal(response.statusCode, 200)
    assert.equal(response.json().data.user_id, owner.user.id)
    assert.equal(response.headers.deprecation, '@1796083200')
    assert.equal(response.headers.sunset, 'Wed, 30 Jun 2027 00:00:00 GMT')
    assert.equal(response.headers.link, '</api/v1/me>; rel="successor-version"')
    const anonymous = await context.app.inject({ url: legacyPath })
    assert.equal(anonymous.statusCode, 401)
    assert.equal(anonymous.headers.deprecation, '@1796083200')
    assert.equal(anonymous.headers.sunset, 'Wed, 30 Jun 2027 00:00:00 GMT')
    // Other operations say nothing of it.
    const current = await context.app.inject({ url: '/api/v1/me', headers: bearer(owner) })
    assert.equal(current.headers.deprecation, undefined)
    assert.equal(current.headers.sunset, undefined)
  })

  test('is deprecated in the OpenAPI document, with its headers declared', async () => {
    const document = (await context.app.inject('/openapi.json')).json()
    const operation = document.paths[legacyPath].get
    assert.equal(operation.deprecated, true)
    for (const name of ['Deprecation', 'Sunset', 'Link']) {
      assert.deepEqual(operation.responses['200'].headers[name], { $ref: `#/components/headers/${name}` })
      assert.equal(document.components.headers[name].required, true)
    }
    assert.equal(document.paths['/api/v1/me'].get.deprecated, undefined)
  })

  test('counts its calls per tenant in the metrics', async () => {
    const first = await registerUser(context.app)
    const second = await registerUser(context.app)
    for (const session of [first, first, second]) assert.equal((await context.app.inject({ url: legacyPath, headers: bearer(session) })).statusCode, 200)
    const metrics = (await context.app.inject('/metrics')).body
    assert.match(metrics, new RegExp(`http_deprecated_calls_total\\{operation="getLegacyWhoami",tenant_id="${first.tenant.id}"\\} 2\\n`))
    assert.match(metrics, new RegExp(`http_deprecated_calls_total\\{operation="getLegacyWhoami",tenant_id="${second.tenant.id}"\\} 1\\n`))
  })
})

test('a deprecation needs ISO dates, the sunset after the start', () => {
  assert.throws(() => deprecationHeaders({ since: '2026-12-01', sunset: '2026-06-30', successor: '/x' }), /sunset must come after/)
  assert.throws(() => deprecationHeaders({ since: '1 December 2026', sunset: '2027-06-30', successor: '/x' }), /since must be an ISO date/)
})
