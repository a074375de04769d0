import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import pg from 'pg'
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgres } from '#db/embedded/index.js'

const embeddedModule = pathToFileURL(fileURLToPath(new URL('../../db/embedded/index.ts', import.meta.url))).href
const TIMEOUT = 120_000

/** Cleanup steps for one test, run last-in first-out after it, even when an assertion failed. */
function cleanups (t: TestContext): (step: () => unknown) => void {
  const steps: Array<() => unknown> = []
  t.after(async () => {
    const errors: unknown[] = []
    for (const step of steps.reverse()) {
      try { await step() } catch (error) { errors.push(error) }
    }
    if (errors.length > 0) throw errors[0]
  })
  return (step) => { steps.push(step) }
}

async function temporaryDir (defer: (step: () => unknown) => void): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'embedded-test-'))
  // As root, PostgreSQL runs as the user "postgres", which must be able to enter the directory.
  await chmod(dir, 0o755)
  defer(() => rm(dir, { recursive: true, force: true }))
  return dir
}

interface Started { db: EmbeddedPostgres, logs: string[], ms: number }

async function start (defer: (step: () => unknown) => void, dataDir: string, persistent = true): Promise<Started> {
  const logs: string[] = []
  const begin = performance.now()
  const db = await startEmbeddedPostgres({ dataDir, persistent, log: (message) => logs.push(message) })
  const ms = Math.round(performance.now() - begin)
  defer(() => db.stop())
  return { db, logs, ms }
}

async function query<Row extends Record<string, unknown>> (url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<Row>(sql)).rows
  } finally {
    await client.end()
  }
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // A zombie nobody reaps is not running either.
    const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()
    return !stat.startsWith('Z')
  } catch {
    return true
  }
}

async function postmasterPid (dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
}

/** Another Node process that runs the embedded database on `dataDir` until it is signalled. */
async function startInChild (defer: (step: () => unknown) => void, dataDir: string): Promise<{ child: ChildProcess, port: number }> {
  const script = `
    import { startEmbeddedPostgres } from ${JSON.stringify(embeddedModule)}
    const db = await startEmbeddedPostgres({ dataDir: process.env.EMBEDDED_TEST_DIR })
    process.on('SIGTERM', () => { db.stop().then(() => process.exit(0)) })
    console.log(JSON.stringify({ port: db.port }))
    setInterval(() => {}, 1 << 30)
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, EMBEDDED_TEST_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  defer(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
  })
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`the child process exited early (code ${String(code)})`) })
  const lines = createInterface({ input: child.stdout! })
  const firstLine = once(lines, 'line').then(([line]) => line as string)
  const line = await Promise.race([firstLine, exited])
  const { port } = JSON.parse(line) as { port: number }
  return { child, port }
}

test('the first start initialises the data directory and serves queries', { timeout: TIMEOUT }, async (t) => {
  const defer = cleanups(t)
  const dataDir = path.join(await temporaryDir(defer), 'data')

  const { db, logs, ms } = await start(defer, dataDir)
  t.diagnostic(`cold start (initdb + start): ${ms} ms`)

  assert.match(logs.join('\n'), /first run/)
  assert.ok(existsSync(path.join(dataDir, 'PG_VERSION')))
  assert.match(db.url, /^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/)
  assert.notEqual(db.port, 5432)
  assert.deepEqual(await query(db.url, 'select 1 as one'), [{ one: 1 }])
  assert.equal(JSON.parse(await readFile(`${dataDir}.json`, 'utf8')).port, db.port)
  assert.ok(existsSync(`${dataDir}.owner.pid`))

  await Promise.all([db.stop(), db.stop()])
  await db.stop()
  assert.ok(!existsSync(`${dataDir}.owner.pid`), 'the owner lock is removed')
  assert.ok(!existsSync(path.join(dataDir, 'postmaster.pid')), 'the server is down')
  assert.ok(existsSync(path.join(dataDir, 'PG_VERSION')), 'persistent data is kept')
})

test('a restart reuses the data and the port', { timeout: TIMEOUT }, async (t) => {
  const defer = cleanups(t)
  const dataDir = path.join(await temporaryDir(defer), 'data')

  const first = await start(defer, dataDir)
  await query(first.db.url, "create table kept (name text); insert into kept values ('still here')")
  await first.db.stop()

  const second = await start(defer, dataDir)
  t.diagnostic(`warm start: ${second.ms} ms`)
  assert.doesNotMatch(second.logs.join('\n'), /first run/)
  assert.match(second.logs.join('\n'), /warm start/)
  assert.equal(second.db.port, first.db.port)
  assert.deepEqual(await query(second.db.url, 'select name from kept'), [{ name: 'still here' }])
})

test('a second start on a running data directory fails with a clear error', { timeout: TIMEOUT }, async (t) => {
  const defer = cleanups(t)
  const dataDir = path.join(await temporaryDir(defer), 'data')

  const { db } = await start(defer, dataDir)
  await assert.rejects(startEmbeddedPostgres({ dataDir }), (error: unknown) => {
    assert.ok(error instanceof EmbeddedPostgresError)
    assert.match(error.message, /already in use/)
    return true
  })
  assert.deepEqual(await query(db.url, 'select 1 as one'), [{ one: 1 }], 'the running server is untouched')
  await db.stop()

  // The case of `npm start` twice: the owner is another process.
  const { child } = await startInChild(defer, dataDir)
  await assert.rejects(startEmbeddedPostgres({ dataDir }), (error: unknown) => {
    assert.ok(error instanceof EmbeddedPostgresError)
    assert.equal(error.message, `The embedded database in ${dataDir} is already in use by process ${child.pid ?? '?'}. Stop that process, or set DATABASE_URL to use another server.`)
    return true
  })
  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  assert.equal(code, 0)
  assert.ok(!existsSync(`${dataDir}.owner.pid`), 'the child released the lock')
})

test('a server orphaned by a killed process is stopped and replaced', { timeout: TIMEOUT }, async (t) => {
  const defer = cleanups(t)
  const dataDir = path.join(await temporaryDir(defer), 'data')

  const { child, port } = await startInChild(defer, dataDir)
  const orphan = await postmasterPid(dataDir)
  defer(() => { if (isAlive(orphan)) process.kill(orphan, 'SIGQUIT') })
  child.kill('SIGKILL')
  await once(child, 'exit')
  assert.ok(isAlive(orphan), 'the postgres server outlives its killed owner')

  const { db, logs } = await start(defer, dataDir)
  assert.match(logs.join('\n'), new RegExp(`orphaned PostgreSQL server \\(process ${orphan}\\)`))
  assert.ok(!isAlive(orphan), 'the orphan is stopped')
  assert.equal(db.port, port, 'the port is reused once the orphan has let go of it')
  assert.notEqual(await postmasterPid(dataDir), orphan)
  assert.deepEqual(await query(db.url, 'select 1 as one'), [{ one: 1 }])
})

test('a stale postmaster.pid and a taken port do not prevent a start', { timeout: TIMEOUT }, async (t) => {
  const defer = cleanups(t)
  const dataDir = path.join(await temporaryDir(defer), 'data')

  const first = await start(defer, dataDir)
  const pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')
  await first.db.stop()

  // A postmaster.pid left by a server that died with its pid (the pid of a finished process).
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid
  assert.ok(deadPid !== undefined && !isAlive(deadPid))
  await writeFile(path.join(dataDir, 'postmaster.pid'), pidFile.replace(/^\d+/, String(deadPid)))

  // Someone else listens on the remembered port.
  const squatter = net.createServer()
  await new Promise<void>((resolve) => squatter.listen(first.db.port, '127.0.0.1', resolve))
  defer(() => new Promise((resolve) => squatter.close(resolve)))

  const second = await start(defer, dataDir)
  const logs = second.logs.join('\n')
  assert.match(logs, /stale postmaster\.pid/)
  assert.match(logs, new RegExp(`Port ${first.db.port}.* is taken`))
  assert.notEqual(second.db.port, first.db.port)
  assert.deepEqual(await query(second.db.url, 'select 1 as one'), [{ one: 1 }])
})

test('persistent: false deletes the data on stop', { timeout: TIMEOUT }, async (t) => {
  const defer = cleanups(t)
  const dataDir = path.join(await temporaryDir(defer), 'data')

  const { db } = await start(defer, dataDir, false)
  const rows = await query<{ fsync: string, max_connections: string }>(db.url, "select current_setting('fsync') as fsync, current_setting('max_connections') as max_connections")
  assert.deepEqual(rows, [{ fsync: 'off', max_connections: '200' }])
  await db.stop()
  assert.ok(!existsSync(dataDir), 'the data directory is gone')
  assert.ok(!existsSync(`${dataDir}.json`))
  assert.ok(!existsSync(`${dataDir}.owner.pid`))
})
