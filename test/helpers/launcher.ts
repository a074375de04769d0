/**
 * `npm test`: provides a PostgreSQL server, then runs the test files with node:test.
 *
 *   npm test                                  all test/**\/*.test.ts
 *   npm test -- test/routes                   the test files under a directory
 *   npm test -- test/embedded.test.ts         one file
 *   npm test -- --test-name-pattern=health    options starting with - are passed to node
 *
 * The server is DATABASE_URL when set, otherwise an embedded PostgreSQL in a fresh temporary
 * directory that is deleted afterwards. Test files get its admin URL as TEST_ADMIN_DATABASE_URL
 * and create databases of their own on it (test/helpers/test-database.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgres } from '#db/embedded/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** A problem to report as one line, without a stack trace. */
class UsageError extends Error {}

let embedded: EmbeddedPostgres | undefined
let temporaryDir: string | undefined
let child: ChildProcess | undefined
let interrupted: NodeJS.Signals | undefined

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted !== undefined) {
      // Second signal: stop waiting. The exit hook of db/embedded/ shuts the server down.
      child?.kill('SIGKILL')
      process.exit(exitCodeFor(signal))
    }
    interrupted = signal
    // On Ctrl-C the test process got the signal too; forwarding covers `kill <launcher pid>`.
    if (child !== undefined && child.exitCode === null) child.kill(signal)
  })
}

process.exit(await main())

async function main (): Promise<number> {
  try {
    const { nodeOptions, files } = await testFiles(process.argv.slice(2))
    if (files.length === 0) {
      console.error('No test files (*.test.ts) found.')
      return 1
    }
    const adminUrl = await provideDatabase()
    if (interrupted !== undefined) return exitCodeFor(interrupted)
    const code = await runTests(adminUrl, nodeOptions, files)
    return interrupted === undefined ? code : exitCodeFor(interrupted)
  } catch (error) {
    // Ctrl-C reaches the database server too, which then fails to start: not worth a message.
    if (interrupted !== undefined) return exitCodeFor(interrupted)
    console.error(error instanceof EmbeddedPostgresError || error instanceof UsageError ? error.message : error)
    return 1
  } finally {
    await cleanUp()
  }
}

async function provideDatabase (): Promise<string> {
  const given = process.env.DATABASE_URL
  if (given !== undefined && given !== '') {
    const version = await serverVersion(given).catch((error: unknown) => {
      throw new UsageError(`Cannot connect to the PostgreSQL server in DATABASE_URL (${maskPassword(given)}): ${error instanceof Error ? error.message : String(error)}`)
    })
    console.log(`Tests use ${version} at ${maskPassword(given)} (from DATABASE_URL).`)
    return given
  }

  temporaryDir = await mkdtemp(path.join(os.tmpdir(), 'test-postgres-'))
  // When Node runs as root, PostgreSQL runs as the user "postgres", which must be able to enter it.
  await chmod(temporaryDir, 0o755)
  const startupLog: string[] = []
  const log = (message: string): void => {
    // Progress is kept for a failed start; once running, only trouble is reported (to stderr).
    // After Ctrl-C the server got the signal too; its exit is expected then.
    if (embedded === undefined) startupLog.push(message)
    else if (interrupted === undefined) process.stderr.write(`[test database] ${message}\n`)
  }
  const started = performance.now()
  try {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(temporaryDir, 'data'), persistent: false, log })
  } catch (error) {
    for (const message of startupLog) process.stderr.write(`[test database] ${message}\n`)
    if (error instanceof EmbeddedPostgresError && error.details !== undefined) process.stderr.write(`${error.details}\n`)
    throw error
  }
  console.log(`Tests use an embedded PostgreSQL on 127.0.0.1:${embedded.port} (temporary, ready in ${Math.round(performance.now() - started)} ms).`)
  return embedded.url
}

async function runTests (adminUrl: string, nodeOptions: string[], files: string[]): Promise<number> {
  const args = ['--import', 'tsx', '--test', '--test-concurrency=2', ...nodeOptions, ...files]
  child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, TEST_ADMIN_DATABASE_URL: adminUrl }
  })
  const running = child
  return await new Promise<number>((resolve, reject) => {
    running.once('error', reject)
    running.once('exit', (code, signal) => resolve(code ?? exitCodeFor(signal ?? 'SIGTERM')))
  })
}

async function cleanUp (): Promise<void> {
  try {
    await embedded?.stop()
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
  }
  if (temporaryDir !== undefined) await rm(temporaryDir, { recursive: true, force: true })
}

/** Arguments starting with - go to node; the others are test files or directories of them. */
async function testFiles (args: string[]): Promise<{ nodeOptions: string[], files: string[] }> {
  const nodeOptions = args.filter((arg) => arg.startsWith('-'))
  const paths = args.filter((arg) => !arg.startsWith('-'))
  const files: string[] = []
  for (const given of paths.length > 0 ? paths : [path.join(root, 'test')]) {
    const info = await stat(given).catch(() => undefined)
    if (info === undefined) throw new UsageError(`No such test file or directory: ${given}`)
    if (info.isDirectory()) files.push(...await findTestFiles(given))
    else files.push(given)
  }
  return { nodeOptions, files: [...new Set(files.map(shortPath))].sort() }
}

function shortPath (file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative
}

async function findTestFiles (dir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) found.push(...await findTestFiles(full))
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      found.push(full)
    }
  }
  return found
}

async function serverVersion (url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  client.on('error', () => {})
  await client.connect()
  try {
    const result = await client.query<{ version: string }>("SELECT 'PostgreSQL ' || split_part(current_setting('server_version'), ' ', 1) AS version")
    return result.rows[0]?.version ?? 'PostgreSQL'
  } finally {
    await client.end()
  }
}

function maskPassword (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@')
  }
}

function exitCodeFor (signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 15)
}
