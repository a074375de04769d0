import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { PgListener } from '#src/notifications/pg-listener.js'
import { migratedDatabase, type TestDatabase } from '#test/helpers/app.js'

const quiet = { info: () => {}, warn: () => {} }

describe('PgListener.caughtUp', () => {
  let database: TestDatabase
  before(async () => { database = await migratedDatabase() })
  after(async () => { await database.drop() })

  test('resolves only after every notification committed before the call was handled', async () => {
    const listener = new PgListener({ url: database.url, log: quiet, connectTimeoutMs: 5000, maxRetryDelayMs: 1000 })
    const heard: string[] = []
    listener.on('caught_up_test', (payload) => { heard.push(payload) })
    await listener.start()
    const writer = new pg.Client({ connectionString: database.url })
    await writer.connect()
    try {
      for (let round = 0; round < 20; round++) {
        await writer.query('select pg_notify($1, $2)', ['caught_up_test', `change-${round}`])
        assert.equal(await listener.caughtUp(), true)
        assert.equal(heard.at(-1), `change-${round}`, `round ${round}: answered before the change was handled`)
      }
    } finally {
      await writer.end()
      await listener.close()
    }
  })

  test('answers false at once while disconnected, never hangs', async () => {
    const listener = new PgListener({ url: 'postgres://postgres@127.0.0.1:1/none', log: quiet, connectTimeoutMs: 200, maxRetryDelayMs: 1000 })
    await listener.start()
    try {
      assert.equal(listener.connected, false)
      assert.equal(await listener.caughtUp(), false)
    } finally {
      await listener.close()
    }
  })
})
