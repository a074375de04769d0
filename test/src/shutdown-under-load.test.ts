import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import autocannon from 'autocannon'
import { migratedDatabase, type TestDatabase } from '../helpers/app.js'
import { startServerProcess } from '../helpers/process.js'

const roomy = { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000', RATE_LIMIT_TENANT_PER_MINUTE: '1000000' }

describe('SIGTERM under a keep-alive load (50 connections, real sockets)', () => {
  let database: TestDatabase
  before(async () => { database = await migratedDatabase() })
  after(async () => { await database.drop() })

  test('no request that reached the server is reset or answered 5xx; the process exits 0', async () => {
    const server = await startServerProcess('src/server.ts', { DATABASE_URL: database.url, ...roomy })
    const base = `http://127.0.0.1:${server.port}`
    const registered = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'drain@example.com', password: 'correct horse battery', name: 'Drain', tenant_name: 'Drain Co' })
    })
    assert.equal(registered.status, 201)
    const { access_token: token, tenant } = ((await registered.json()) as { data: { access_token: string, tenant: { id: string } } }).data

    const statuses = new Map<number, number>()
    const failures = new Map<string, number>()
    // Each request reads the database, so the pool must outlive every request that arrived.
    let finish: () => void = () => {}
    const finished = new Promise<void>((resolve) => { finish = resolve })
    const load = autocannon({ url: `${base}/api/v1/tenants/${tenant.id}`, connections: 50, duration: 8, headers: { authorization: `Bearer ${token}` } }, () => { finish() })
    load.on('response', (_client: unknown, status: number) => { statuses.set(status, (statuses.get(status) ?? 0) + 1) })
    load.on('reqError', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message
      failures.set(code, (failures.get(code) ?? 0) + 1)
    })

    await new Promise((resolve) => setTimeout(resolve, 1500))
    const answeredBeforeSignal = [...statuses.values()].reduce((sum, count) => sum + count, 0)
    server.child.kill('SIGTERM')
    assert.equal(await server.exited, 0, server.output())
    load.stop()
    await finished

    const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0)
    const refused = failures.get('ECONNREFUSED') ?? 0
    const otherFailures = Object.fromEntries([...failures].filter(([code]) => code !== 'ECONNREFUSED'))
    assert.ok(answeredBeforeSignal > 100, `the load ran (${answeredBeforeSignal} answers before SIGTERM)`)
    assert.equal(serverErrors, 0, `5xx answers: ${JSON.stringify(Object.fromEntries(statuses))}`)
    // Refused connections never reached the server (the listener is closed); anything else is a
    // reset or a broken answer to a request that did.
    assert.deepEqual(otherFailures, {}, `resets and errors (besides ${refused} refused connections)`)
    assert.deepEqual([...statuses.keys()], [200])
  })
})
