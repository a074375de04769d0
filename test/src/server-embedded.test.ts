import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { isRunning, runToExit, startServerProcess } from '../helpers/process.js'

function postmasterPid (dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid')
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined
}

describe('npm start with no DATABASE_URL (embedded PostgreSQL)', () => {
  let workDir: string
  let dataDir: string
  // An empty DATABASE_URL counts as unset, whatever the test runner's environment says.
  const env = () => ({ DATABASE_URL: '', EMBEDDED_DB_DIR: dataDir })

  before(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'server-embedded-'))
    await chmod(workDir, 0o755)
    dataDir = path.join(workDir, 'postgres')
  })
  after(async () => { await rm(workDir, { recursive: true, force: true }) })

  test('first start initialises, migrates and serves; a second start on the same data fails plainly; SIGTERM exits 0', async () => {
    const server = await startServerProcess('src/server.ts', env(), 60000)
    assert.match(server.output(), /using embedded PostgreSQL on port \d+/)
    const ready = await fetch(`http://127.0.0.1:${server.port}/ready`)
    assert.equal(ready.status, 200)
    const register = await fetch(`http://127.0.0.1:${server.port}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'first-run@example.com', password: 'a long enough password', name: 'First', tenant_name: 'First Co' })
    })
    assert.equal(register.status, 201)

    const second = await runToExit('src/server.ts', env())
    assert.equal(second.code, 1)
    assert.match(second.output, /already in use by process \d+/)
    assert.doesNotMatch(second.output, /\n\s+at /, 'no stack trace')

    server.child.kill('SIGTERM')
    assert.equal(await server.exited, 0)
    assert.equal(postmasterPid(dataDir), undefined, 'the embedded server was stopped')
  })

  test('the data survives a restart, and an orphan left by a killed run is handled', async () => {
    const server = await startServerProcess('src/server.ts', env(), 60000)
    const orphan = postmasterPid(dataDir)
    assert.ok(orphan !== undefined)
    server.child.kill('SIGKILL')
    await server.exited
    assert.ok(isRunning(orphan), 'killing Node leaves PostgreSQL running')

    const restarted = await startServerProcess('src/server.ts', env(), 60000)
    try {
      const login = await fetch(`http://127.0.0.1:${restarted.port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'first-run@example.com', password: 'a long enough password' })
      })
      assert.equal(login.status, 200, 'the account from the first run is still there')
    } finally {
      restarted.child.kill('SIGTERM')
      assert.equal(await restarted.exited, 0)
    }
    assert.ok(!isRunning(orphan), 'the orphan was stopped')
  })

  test('Ctrl-C (SIGINT to the whole process group): a request in flight completes, then the embedded server stops', async () => {
    const server = await startServerProcess('test/fixtures/server-with-slow-route.ts', { ...env(), SLOW_MS: '1500' }, 60000, { detached: true })
    const postgres = postmasterPid(dataDir)
    assert.ok(postgres !== undefined)
    const inFlight = fetch(`http://127.0.0.1:${server.port}/test/slow`)
    await new Promise((resolve) => setTimeout(resolve, 300))
    process.kill(-server.child.pid!, 'SIGINT')
    const answer = await inFlight
    assert.equal(answer.status, 200, 'answered by the app, with its database still up')
    assert.deepEqual(await answer.json(), { data: { slept_ms: 1500 }, error: null })
    await server.exited
    assert.ok(!isRunning(postgres), `the embedded server was stopped after the app:\n${server.output()}`)
    assert.equal(postmasterPid(dataDir), undefined)
  })
})
