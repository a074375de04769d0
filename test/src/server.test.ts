import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { migratedDatabase, type TestDatabase } from '../helpers/app.js'
import { childrenOf, isRunning, runToExit, startServerProcess } from '../helpers/process.js'

interface Answer { status: number, body: string }

function get (port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the server process', () => {
  let database: TestDatabase
  before(async () => { database = await migratedDatabase() })
  after(async () => { await database.drop() })

  test('SIGTERM during a slow request: the request completes, new connections are refused, exit 0', async () => {
    const server = await startServerProcess('test/fixtures/server-with-slow-route.ts', { DATABASE_URL: database.url, SLOW_MS: '1500' })
    const inFlight = get(server.port, '/test/slow')
    await new Promise((resolve) => setTimeout(resolve, 300))
    server.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 200))

    await assert.rejects(get(server.port, '/health'), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED')
    const answer = await inFlight
    assert.equal(answer.status, 200)
    assert.deepEqual(JSON.parse(answer.body), { data: { slept_ms: 1500 }, error: null })
    assert.equal(await server.exited, 0)
  })

  test('a bad configuration value stops start-up with one line naming it', async () => {
    const { code, output } = await runToExit('src/server.ts', { DATABASE_URL: database.url, PORT: 'eighty' })
    assert.equal(code, 1)
    assert.equal(output.trim(), 'Invalid configuration: PORT must be integer')
  })

  test('a port already in use is reported plainly', async () => {
    const first = await startServerProcess('src/server.ts', { DATABASE_URL: database.url })
    try {
      const { code, output } = await runToExit('src/server.ts', { DATABASE_URL: database.url, PORT: String(first.port) })
      assert.equal(code, 1)
      assert.match(output, new RegExp(`Port ${first.port} on 127.0.0.1 is already in use`))
      assert.doesNotMatch(output, /\n\s+at /)
    } finally {
      first.child.kill('SIGTERM')
      assert.equal(await first.exited, 0)
    }
  })

  test('WEB_CONCURRENCY=2: two workers answer on one port, and SIGTERM drains them all and exits 0', async () => {
    const server = await startServerProcess('src/server.ts', { DATABASE_URL: database.url, WEB_CONCURRENCY: '2', REDIS_URL: '' })
    try {
      const deadline = Date.now() + 20_000
      while (childrenOf(server.child.pid!).length < 2 || (server.output().match(/API ready at/g) ?? []).length < 2) {
        assert.ok(Date.now() < deadline, `two workers did not start:\n${server.output()}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.match(server.output(), /without REDIS_URL: each worker keeps its own rate-limit counts/)
      const answers = await Promise.all(Array.from({ length: 20 }, async () => await get(server.port, '/health')))
      assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]))
      const workers = childrenOf(server.child.pid!)
      server.child.kill('SIGTERM')
      assert.equal(await server.exited, 0)
      for (const pid of workers) assert.ok(!isRunning(pid), `worker ${pid} is gone`)
    } finally {
      server.child.kill('SIGKILL')
    }
  })
})
