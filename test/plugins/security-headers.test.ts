import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildApp } from '#src/app.js'
import { testConfig } from '../helpers/app.js'

describe('security headers', () => {
  const appPromise = buildApp(testConfig('postgres://postgres@127.0.0.1:1/unused'), { logger: false })
  after(async () => { await (await appPromise).close() })

  test('JSON responses, errors included, carry headers for an API nothing should render or frame', async () => {
    const app = await appPromise
    for (const url of ['/health', '/no/such/route']) {
      const response = await app.inject(url)
      assert.equal(response.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'", url)
      assert.equal(response.headers['x-content-type-options'], 'nosniff')
      assert.equal(response.headers['x-frame-options'], 'DENY')
      assert.equal(response.headers['referrer-policy'], 'no-referrer')
      assert.match(String(response.headers['strict-transport-security']), /max-age=\d+/)
      assert.equal(response.headers['cross-origin-resource-policy'], 'same-origin')
      assert.equal(response.headers['x-powered-by'], undefined)
    }
  })

  test('the docs page still loads: its own CSP allows its scripts and styles from this origin', async () => {
    const app = await appPromise
    const redirect = await app.inject('/docs/static/index.html')
    assert.equal(redirect.statusCode, 302)
    assert.equal(redirect.headers.location, '/docs/')
    for (const url of ['/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-ui.css', '/docs/static/swagger-initializer.js', '/docs/json']) {
      const response = await app.inject(url)
      assert.equal(response.statusCode, 200, url)
      const csp = String(response.headers['content-security-policy'])
      assert.match(csp, /script-src 'self'/, url)
      assert.match(csp, /style-src 'self'/, url)
      assert.equal(response.headers['x-content-type-options'], 'nosniff')
    }
    const page = (await app.inject('/docs/')).body
    assert.match(page, /<script src="\.\/static\/swagger-initializer\.js"/)
    assert.doesNotMatch(page, /<script>/, 'no inline script, which the CSP would block')
    assert.doesNotMatch(page, /<style>|style="/, 'no inline style')
  })
})
