import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { buildApp } from '#src/app.js'
import { migratedDatabase, testConfig, type TestDatabase } from '../helpers/app.js'
import { bearer, registerUser } from '../helpers/identity.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'

interface LogLine { level: number, msg: string, affected_requests?: number }

/** The app on a database reached through a TCP proxy the test can cut, with its log captured (no rate limits: fast 503s would spend the budget). */
async function appBehindProxy (database: TestDatabase, proxy: TcpProxy, env: Record<string, string> = {}): Promise<{ app: FastifyInstance, logs: LogLine[] }> {
  const url = new URL(database.url)
  url.host = `127.0.0.1:${proxy.port}`
  const logs: LogLine[] = []
  const stream = { write: (line: string) => { logs.push(JSON.parse(line) as LogLine) } }
  const app = await buildApp(testConfig(url.toString(), { DB_CONNECTION_TIMEOUT_MS: '300', RATE_LIMIT_ENABLED: 'false', ...env }), { logger: { level: 'info', stream } })
  app.get('/probe/hold', async () => {
    await sql`select pg_sleep(1)`.execute(app.db)
    return { data: null, error: null }
  })
  await app.ready()
  return { app, logs }
}

/** Sends `concurrency` requests at a time until `ms` have passed (bounded), collecting the answers. */
async function loadFor (ms: number, concurrency: number, send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse[]> {
  const answers: LightMyRequestResponse[] = []
  const deadline = Date.now() + ms
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) answers.push(await send())
  }))
  return answers
}

describe('outages under load', () => {
  let database: TestDatabase
  let proxy: TcpProxy
  before(async () => {
    database = await migratedDatabase()
    const target = new URL(database.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
  })
  after(async () => {
    await proxy.close()
    await database.drop()
  })

  test('PostgreSQL stopped and restarted: 503 DATABASE_UNAVAILABLE meanwhile (never 500), logged once, served again after', async () => {
    const { app, logs } = await appBehindProxy(database, proxy)
    try {
      const owner = await registerUser(app)
      const send = async () => await app.inject({ url: `/api/v1/tenants/${owner.tenant.id}`, headers: bearer(owner) })
      assert.equal((await send()).statusCode, 200)

      proxy.setMode('refuse')
      const during = await loadFor(1500, 10, send)
      proxy.setMode('forward')
      const statuses = new Set(during.map((answer) => answer.statusCode))
      assert.ok(during.length >= 20, `${during.length} requests during the outage`)
      assert.deepEqual([...statuses].filter((status) => status !== 503), [], `answers during the outage: ${[...statuses].join(', ')}`)
      for (const answer of during) {
        assert.equal(answer.json().error.code, 'DATABASE_UNAVAILABLE')
        assert.ok(Number(answer.headers['retry-after']) > 0)
      }
      const outageLines = logs.filter((line) => line.msg.startsWith('database unavailable'))
      assert.equal(outageLines.length, 1, 'one line for the outage, not one per request')

      let recovered = false
      for (let attempt = 0; attempt < 100 && !recovered; attempt++) {
        recovered = (await send()).statusCode === 200
        if (!recovered) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.ok(recovered, 'served again once the database is back')
    } finally {
      proxy.setMode('forward')
      await app.close()
    }
  })

  test('a full pool (the database healthy) is 503 SERVICE_UNAVAILABLE saying so, logged once as a warning', async () => {
    const { app, logs } = await appBehindProxy(database, proxy, { DB_POOL_MAX: '2' })
    try {
      const owner = await registerUser(app)
      const holders = [app.inject('/probe/hold'), app.inject('/probe/hold')]
      await new Promise((resolve) => setTimeout(resolve, 100))
      const waiting = await Promise.all(Array.from({ length: 8 }, async () => await app.inject({ url: `/api/v1/tenants/${owner.tenant.id}`, headers: bearer(owner) })))
      for (const answer of waiting) {
        assert.equal(answer.statusCode, 503, answer.body)
        assert.equal(answer.json().error.code, 'SERVICE_UNAVAILABLE')
        assert.match(answer.json().error.message, /database connection is busy/)
      }
      assert.deepEqual((await Promise.all(holders)).map((answer) => answer.statusCode), [200, 200])
      const lines = logs.filter((line) => line.msg.startsWith('every database connection is busy'))
      assert.equal(lines.length, 1)
      assert.equal(lines[0]?.level, 40)
      assert.equal(logs.filter((line) => line.level >= 50).length, 0, 'no ERROR lines for a busy pool')
    } finally {
      await app.close()
    }
  })
})
