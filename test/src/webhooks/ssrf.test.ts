import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { LookupAddress } from 'node:dns'
import { nonPublicRange } from '#src/webhooks/addresses.js'
import { checkWebhookUrl, guardedLookup, TargetRefused } from '#src/webhooks/ssrf.js'
import { useTestApp } from '#test/helpers/app.js'
import { createProduct } from '#test/helpers/catalogue.js'
import { registerUser } from '#test/helpers/identity.js'
import { errorFields, requester } from '#test/helpers/requests.js'
import { eventually, startReceiver, type Receiver } from '#test/helpers/webhook-receiver.js'
import { createWebhook, deliveriesOf, webhooksUrl } from '#test/helpers/webhooks.js'

const development = { httpsOnly: false, allowPrivateNetworks: false }

describe('which addresses webhooks may reach', () => {
  test('loopback, private, link-local, unique-local, CGNAT, multicast, unspecified and reserved ranges are not public, in every spelling', () => {
    const refused: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['10.0.0.1', 'private'], ['172.16.5.4', 'private'], ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'], ['169.254.169.254', 'link-local'], ['100.64.0.1', 'shared (CGNAT)'], ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'], ['255.255.255.255', 'reserved'], ['198.18.0.1', 'benchmarking'], ['192.0.2.10', 'documentation'],
      ['::1', 'loopback'], ['::', 'unspecified'], ['[::1]', 'loopback'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'], ['fd12:3456::1', 'unique-local'],
      ['fc00::1', 'unique-local'], ['ff02::1', 'multicast'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
      ['::ffff:169.254.169.254', 'link-local'], ['::ffff:a00:1', 'private'], ['64:ff9b::a9fe:a9fe', 'link-local'], ['2002:c0a8:101::1', 'private'],
      ['2001:db8::1', 'documentation'], ['2001::1', 'Teredo'], ['::127.0.0.1', 'loopback'], ['localhost', 'not an IP address']
    ]
    for (const [address, range] of refused) assert.equal(nonPublicRange(address), range, address)
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1', '64:ff9b::808:808']) {
      assert.equal(nonPublicRange(address), null, address)
    }
  })

  test('URLs: http(s) only, https only in production, no credentials or fragment, no non-public IP literal unless allowed', () => {
    const refused: Array<[string, RegExp]> = [
      ['not a url', /valid absolute URL/], ['ftp://example.com/x', /https/], ['file:///etc/passwd', /https/],
      ['https://user:pass@example.com/', /credentials/], ['https://example.com/#x', /fragment/],
      ['http://127.0.0.1:8080/hook', /loopback/], ['http://10.0.0.1/', /private/], ['http://169.254.169.254/latest/meta-data', /link-local/],
      ['http://[::1]/', /loopback/], ['http://[::ffff:127.0.0.1]/', /loopback/], ['http://0x7f.1/', /loopback/], ['http://2130706433/', /loopback/],
      ['http://017700000001/', /loopback/], ['http://0/', /unspecified/], ['http://[fd00::5]/', /unique-local/], ['https://100.100.100.100/', /CGNAT/]
    ]
    for (const [url, reason] of refused) {
      assert.throws(() => checkWebhookUrl(url, development), (error: Error) => error instanceof TargetRefused && reason.test(error.message), url)
    }
    assert.equal(checkWebhookUrl('https://hooks.example.com/a?b=1', development).hostname, 'hooks.example.com')
    assert.equal(checkWebhookUrl('http://hooks.example.com/', development).protocol, 'http:')
    assert.throws(() => checkWebhookUrl('http://hooks.example.com/', { httpsOnly: true, allowPrivateNetworks: false }), /must use https/)
    assert.throws(() => checkWebhookUrl('http://127.0.0.1/', { httpsOnly: true, allowPrivateNetworks: true }), /must use https/)
    assert.equal(checkWebhookUrl('http://127.0.0.1:9/', { httpsOnly: false, allowPrivateNetworks: true }).port, '9')
    assert.throws(() => checkWebhookUrl('http://u@127.0.0.1/', { httpsOnly: false, allowPrivateNetworks: true }), /credentials/)
  })

  test('after DNS resolution: a name that resolves to loopback is refused, unless private networks are allowed', async () => {
    const lookupLocalhost = async (allow: boolean, all: boolean) => await new Promise<{ error: Error | null, address: string | LookupAddress[] }>((resolve) => {
      guardedLookup({ httpsOnly: false, allowPrivateNetworks: allow })('localhost', { all }, (error, address) => { resolve({ error, address }) })
    })
    for (const all of [false, true]) {
      const refused = await lookupLocalhost(false, all)
      assert.ok(refused.error instanceof TargetRefused, String(refused.error))
      assert.match(refused.error.message, /^localhost resolves to (127\.0\.0\.1|::1), a loopback address/)
      const allowed = await lookupLocalhost(true, all)
      assert.equal(allowed.error, null)
      assert.ok(all ? Array.isArray(allowed.address) && allowed.address.length > 0 : typeof allowed.address === 'string')
    }
  })
})

describe('with the default settings (private networks not allowed)', () => {
  const context = useTestApp({ env: { WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_TIMEOUT_MS: '1000' } })
  const call = requester(() => context.app)
  let target: Receiver | undefined
  after(async () => { await target?.close() })

  test('loopback, private and link-local URLs are refused at creation and update with 422 on /url', async () => {
    const owner = await registerUser(context.app)
    for (const url of ['http://127.0.0.1/hook', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:8080/', 'http://192.168.0.10/']) {
      const response = await call('POST', webhooksUrl(owner), owner, { payload: { url } })
      assert.equal(response.statusCode, 422, url)
      assert.equal(response.json().error.code, 'INVALID_INPUT')
      assert.deepEqual(errorFields(response), ['/url'], url)
    }
    const webhook = await createWebhook(context.app, owner, { url: 'https://hooks.example.com/retail' })
    const patched = await call('PATCH', `${webhooksUrl(owner)}/${webhook.id}`, owner, { payload: { url: 'http://[::ffff:10.1.2.3]/' } })
    assert.deepEqual([patched.statusCode, errorFields(patched)], [422, ['/url']])
    assert.equal((await context.app.db.selectFrom('webhook_endpoints').select('id').where('tenant_id', '=', owner.tenant.id).execute()).length, 1)
  })

  test('a host name that resolves to 127.0.0.1 (localhost) is accepted at creation, and refused at delivery time', async () => {
    const owner = await registerUser(context.app)
    target = await startReceiver()
    const webhook = await createWebhook(context.app, owner, { url: `http://localhost:${target.port}/hook` })
    await createProduct(context.app, owner)
    const [delivery] = await eventually(async () => {
      const log = await deliveriesOf(context.app, owner, webhook.id)
      return (log[0]?.attempts ?? 0) >= 1 ? log : undefined
    })
    assert.equal(delivery?.status, 'pending')
    assert.equal(delivery?.last_status_code, null)
    assert.match(delivery?.last_error ?? '', /^localhost resolves to (127\.0\.0\.1|::1), a loopback address, which webhooks may not reach$/)
    assert.equal(target.received.length, 0, 'nothing reached the receiver')
  })
})
