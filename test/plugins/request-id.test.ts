import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { useTestApp } from '../helpers/app.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('X-Request-ID', () => {
  const context = useTestApp()

  test('a well-formed client id is echoed on success and in error bodies', async () => {
    const id = 'client-req-0001.abc'
    const ok = await context.app.inject({ url: '/health', headers: { 'x-request-id': id } })
    assert.equal(ok.headers['x-request-id'], id)
    const missing = await context.app.inject({ url: '/missing', headers: { 'x-request-id': id } })
    assert.equal(missing.headers['x-request-id'], id)
    assert.equal(missing.json().error.request_id, id)
  })

  test('a malformed or oversized id is replaced by a generated UUID', async () => {
    for (const bad of ['has spaces in it', 'x'.repeat(200), 'short', '<script>alert(1)</script>']) {
      const response = await context.app.inject({ url: '/health', headers: { 'x-request-id': bad } })
      assert.match(String(response.headers['x-request-id']), UUID)
    }
  })

  test('without a client id every response gets a fresh one', async () => {
    const first = await context.app.inject('/health')
    const second = await context.app.inject('/health')
    assert.match(String(first.headers['x-request-id']), UUID)
    assert.notEqual(first.headers['x-request-id'], second.headers['x-request-id'])
  })
})
