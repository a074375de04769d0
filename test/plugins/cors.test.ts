import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildApp } from '#src/app.js'
import { testConfig } from '../helpers/app.js'

const allowed = 'https://app.example.com'
const unusedDatabase = 'postgres://postgres@127.0.0.1:1/unused'

describe('CORS with an allow-list', () => {
  const appPromise = buildApp(testConfig(unusedDatabase, { CORS_ORIGINS: `${allowed}, https://admin.example.com`, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1' }), { logger: false })
  after(async () => { await (await appPromise).close() })

  test('a preflight from an allowed origin is answered 204 with the allowed methods and headers', async () => {
    const app = await appPromise
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/me',
      headers: { origin: allowed, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type' }
    })
    assert.equal(response.statusCode, 204)
    assert.equal(response.headers['access-control-allow-origin'], allowed)
    assert.match(String(response.headers['access-control-allow-methods']), /PATCH/)
    assert.match(String(response.headers['access-control-allow-headers']), /Authorization/)
    assert.match(String(response.headers['access-control-allow-headers']), /If-Match/)
    assert.equal(response.headers['access-control-max-age'], '600')
    assert.equal(response.headers['access-control-allow-credentials'], undefined)
    assert.equal(response.headers['x-content-type-options'], 'nosniff')
    assert.match((await app.inject('/metrics')).body, /^http_requests_in_flight 1$/m, 'the preflight is counted out of flight')
  })

  test('responses to an allowed origin expose the request id and rate-limit headers, 429s included', async () => {
    const app = await appPromise
    const request = () => app.inject({ url: '/no/such/route', remoteAddress: '100.100.0.1', headers: { origin: allowed } })
    const first = await request()
    assert.equal(first.statusCode, 404)
    const limited = await request()
    assert.equal(limited.statusCode, 429)
    for (const response of [first, limited]) {
      assert.equal(response.headers['access-control-allow-origin'], allowed)
      const exposed = String(response.headers['access-control-expose-headers'])
      for (const header of ['X-Request-ID', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After']) {
        assert.ok(exposed.includes(header), `${header} is exposed`)
      }
    }
  })

  test('another origin gets no CORS headers (the browser blocks it)', async () => {
    const app = await appPromise
    const response = await app.inject({ url: '/health', headers: { origin: 'https://evil.example.com' } })
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['access-control-allow-origin'], undefined)
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/v1/me', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' } })
    assert.equal(preflight.headers['access-control-allow-origin'], undefined)
  })
})

describe('CORS by default', () => {
  const appPromise = buildApp(testConfig(unusedDatabase), { logger: false })
  after(async () => { await (await appPromise).close() })

  test('no origin is allowed and preflights are not answered', async () => {
    const app = await appPromise
    const response = await app.inject({ url: '/health', headers: { origin: allowed } })
    assert.equal(response.headers['access-control-allow-origin'], undefined)
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/v1/me', headers: { origin: allowed, 'access-control-request-method': 'GET' } })
    assert.equal(preflight.statusCode, 404)
    assert.equal(preflight.json().error.code, 'ROUTE_NOT_FOUND')
  })
})
