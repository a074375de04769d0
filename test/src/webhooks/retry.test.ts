import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { backoffMs, MAX_BACKOFF_MS, RETRY_WINDOW_MS, retryWindowOver } from '#src/webhooks/retry.js'
import { newWebhookSecret, signatureHeader } from '#src/webhooks/signature.js'
import { verifySignature } from '#test/helpers/webhook-receiver.js'

test('backoff: exponential from the base, capped at an hour, with full jitter', () => {
  const most = (failures: number) => backoffMs(failures, 10_000, () => 1)
  assert.deepEqual([1, 2, 3, 4, 5].map(most), [10_000, 20_000, 40_000, 80_000, 160_000])
  assert.equal(most(9), 2_560_000)
  assert.equal(most(10), MAX_BACKOFF_MS)
  assert.equal(most(10_000), MAX_BACKOFF_MS)
  assert.equal(backoffMs(3, 10_000, () => 0), 0)
  for (let i = 0; i < 200; i++) {
    const wait = backoffMs(4, 10_000)
    assert.ok(wait >= 0 && wait <= 80_000, String(wait))
  }
  // Attempts at the ceilings fill the 24-hour window with about 30 attempts.
  let elapsed = 0
  let attempts = 1
  for (; attempts < 1000 && !retryWindowOver(0, elapsed); attempts++) elapsed += most(attempts)
  assert.ok(attempts > 25 && attempts < 35, `${attempts} attempts in ${RETRY_WINDOW_MS} ms`)
})

test('signatures: t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">, one v1 per secret, verified by the README recipe', () => {
  const [current, previous] = [newWebhookSecret(), newWebhookSecret()]
  assert.match(current, /^whsec_[A-Za-z0-9_-]{43}$/)
  assert.notEqual(current, previous)
  const body = '{"id":1}'
  const t = Math.floor(Date.now() / 1000)
  const header = signatureHeader([current, previous], t, body)
  assert.equal(header, `t=${t},v1=${createHmac('sha256', current).update(`${t}.${body}`).digest('hex')},v1=${createHmac('sha256', previous).update(`${t}.${body}`).digest('hex')}`)
  assert.ok(verifySignature(current, header, body))
  assert.ok(verifySignature(previous, header, body))
  assert.equal(verifySignature(newWebhookSecret(), header, body), false)
  assert.equal(verifySignature(current, header, body, t + 301), false, 'outside the 300 s replay window')
  assert.ok(verifySignature(current, header, body, t - 300))
  const single = signatureHeader([current], t, body)
  assert.equal(verifySignature(current, single.slice(0, -1) + (single.endsWith('0') ? '1' : '0'), body), false)
})
