/**
 * `npm run bench`: the app (compiled, as in production), its variants and a minimal baseline
 * server, each in its own process, against a PostgreSQL of the benchmark's own; autocannon in
 * this process. See README.md, "Benchmark".
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ApiClient } from './api.js'
import { provisionDatabase, type BenchDatabase } from './database.js'
import { requestFor, runLoad, stopLoad, type CpuSample, type LoadRun, type LoadSettings } from './load.js'
import { parseOptions, usage, type BenchOptions } from './options.js'
import { clockTicksPerSecond, procAvailable, processTicks, statusKb, watchRss } from './proc.js'
import { differencesOf, formatHighWaterMarks, formatTable, measure, megabytes, ratioOf, summarize, type Measurement } from './report.js'
import { scenarios as allScenarios, selectScenarios, type BenchContext, type Scenario } from './scenarios.js'
import { registerTenant, seedProducts } from './seed.js'
import { startServerProcess, type ServerProcess } from './server-process.js'
import { APP_ENTRY, APP_NODE_ARGS, commandLine, serverEnv, targetSpec, TOKEN_TTL_SECONDS, type Target } from './targets.js'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const SETTLE_MS = 250
/** A build from scratch takes about 15 s on 2 cores. */
const BUILD_TIMEOUT_MS = 300_000

const log = (message: string): void => { process.stderr.write(`bench: ${message}\n`) }
const secondsSince = (startedAt: number): string => ((performance.now() - startedAt) / 1000).toFixed(1)
const execFileAsync = promisify(execFile)

class Aborted extends Error {}

const interrupt = new AbortController()
const servers: ServerProcess[] = []
let database: BenchDatabase | undefined

function checkAborted (): void {
  if (interrupt.signal.aborted) throw new Aborted('interrupted')
}

/** What the scenarios of one run share. */
interface Run {
  options: BenchOptions
  ticksPerSecond: number
  targets: Map<Target, ServerProcess>
  /** Signed in as the seeded tenant's owner. */
  api: ApiClient
  context: BenchContext
}

async function main (options: BenchOptions): Promise<void> {
  const selected = selectScenarios(options.only)
  warnIfLong(options, selected.length)
  if (!procAvailable()) log('no /proc on this system: CPU per request and peak RSS will show n/a')
  const startedAt = new Date()
  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')
  // Relative to the root, the servers' working directory.
  const profileDir = options.profile ? path.join('bench', 'results', 'profiles', stamp) : undefined

  await buildApp()
  checkAborted()
  const databaseUrl = process.env.DATABASE_URL === '' ? undefined : process.env.DATABASE_URL
  log(databaseUrl === undefined ? 'starting an embedded PostgreSQL in a temporary directory' : 'using DATABASE_URL\'s server')
  database = await provisionDatabase(databaseUrl, log)
  checkAborted()

  const env = serverEnv(options, database.url)
  const app = await startTarget('app', env, profileDir)
  checkAborted()
  const anonymous = new ApiClient(app.baseUrl, interrupt.signal)
  const context = await registerTenant(anonymous)
  const api = anonymous.withToken(context.token)
  if (selected.some((scenario) => scenario.needsProducts === true)) {
    const seeding = performance.now()
    context.productIds = await seedProducts(api, context, options.products)
    log(`seeded ${context.productIds.length} products over the API in ${secondsSince(seeding)} s`)
  }
  checkAborted()

  const targets = new Map<Target, ServerProcess>([['app', app]])
  for (const target of new Set(selected.map((scenario) => scenario.target))) {
    if (!targets.has(target)) targets.set(target, await startTarget(target, env, profileDir))
    checkAborted()
  }

  const run: Run = { options, ticksPerSecond: clockTicksPerSecond(), targets, api, context }
  const rounds = await runRounds(selected, run)
  const highWaterMarks = [...targets].map(([name, server]) => ({ name, pid: server.pid, vmHwmMb: megabytes(statusKb(server.pid, 'VmHWM')) }))
  process.stdout.write(`${formatTable(rounds, database.cpuNote)}\n${formatHighWaterMarks(highWaterMarks)}\n`)
  if (profileDir !== undefined) log(`CPU profiles: ${profileDir}/<server>.cpuprofile, written as the servers stop (next)`)

  const file = options.json === undefined ? path.join(root, 'bench', 'results', `${stamp}.json`) : path.resolve(options.json)
  await writeResults(file, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    settings: {
      connections: options.connections,
      durationSeconds: options.duration,
      warmupSeconds: options.warmup,
      products: options.products,
      rounds: options.rounds,
      scenarios: selected.map((scenario) => scenario.name),
      database: database.kind,
      logLevel: options.logLevel,
      app: ['node', ...APP_NODE_ARGS, APP_ENTRY].join(' '),
      profileDir: profileDir ?? null,
      clockTicksPerSecond: run.ticksPerSecond
    },
    notes: database.cpuNote === undefined ? [] : [`db CPU not measured: ${database.cpuNote}`],
    ratio: ratioOf(rounds) ?? null,
    differences: differencesOf(rounds),
    /** Each server's VmHWM at the end: the most memory it held resident since it started. */
    servers: highWaterMarks,
    /** One per scenario: medians over the rounds (the single round when there is one). */
    measurements: summarize(rounds),
    rounds
  })
}

function warnIfLong (options: BenchOptions, scenarioCount: number): void {
  const estimatedSeconds = options.rounds * scenarioCount * (options.warmup + options.duration + 1)
  if (estimatedSeconds > TOKEN_TTL_SECONDS - 300) {
    log(`WARNING: this run takes about ${Math.round(estimatedSeconds / 60)} min, longer than the ${TOKEN_TTL_SECONDS / 60} min the access tokens last; later scenarios will get 401s`)
  }
}

/** The app runs from dist/, as `npm start` runs it: compiled first when a source is newer than the build. */
async function buildApp (): Promise<void> {
  const startedAt = performance.now()
  let stderr: string
  try {
    ({ stderr } = await execFileAsync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, timeout: BUILD_TIMEOUT_MS, signal: interrupt.signal }))
  } catch (error) {
    checkAborted()
    // The message holds the command and its stderr; tsc reports the type errors on stdout.
    const { stdout = '' } = error as { stdout?: string }
    throw new Error(`building the app failed (or took over ${BUILD_TIMEOUT_MS / 1000} s): ${(error as Error).message}\n${stdout}`.trim())
  }
  log(stderr === '' ? 'dist/ is up to date' : `compiled the app to dist/ in ${secondsSince(startedAt)} s`)
}

async function startTarget (target: Target, env: Record<string, string>, profileDir: string | undefined): Promise<ServerProcess> {
  const spec = targetSpec(target, profileDir)
  log(`starting ${target}: ${commandLine(spec.command)}${target === 'app' ? ' (it applies the migrations)' : ''}`)
  const server = await startServerProcess(target, spec.command, { cwd: root, env: { ...env, ...spec.env }, signal: interrupt.signal })
  servers.push(server)
  return server
}

async function runRounds (selected: Scenario[], run: Run): Promise<Measurement[][]> {
  // Per scenario, so request bodies stay unique over warm-ups, measurements and rounds.
  const sequences = new Map(selected.map((scenario) => [scenario.name, { next: 0 }]))
  const contexts = new Map<string, BenchContext>()
  const rounds: Measurement[][] = []
  for (let round = 1; round <= run.options.rounds; round++) {
    const label = run.options.rounds > 1 ? ` (round ${round}/${run.options.rounds})` : ''
    const measurements: Measurement[] = []
    for (const scenario of selected) {
      checkAborted()
      let scenarioContext = contexts.get(scenario.name)
      if (scenarioContext === undefined) {
        scenarioContext = await setUp(scenario, run)
        contexts.set(scenario.name, scenarioContext)
      }
      const measurement = await runScenario(scenario, scenarioContext, sequences.get(scenario.name) ?? { next: 0 }, label, run)
      measurements.push(measurement)
      warnAbout(scenario, measurement)
    }
    rounds.push(measurements)
  }
  return rounds
}

async function setUp (scenario: Scenario, run: Run): Promise<BenchContext> {
  if (scenario.setup === undefined) return run.context
  const startedAt = performance.now()
  const context = await scenario.setup(run.api, run.context)
  log(`${scenario.name}: set up over the API in ${secondsSince(startedAt)} s`)
  return context
}

/** The warm-up, a pause and the measured window, with the server's RSS watched throughout. */
async function runScenario (scenario: Scenario, context: BenchContext, sequence: { next: number }, label: string, run: Run): Promise<Measurement> {
  const server = run.targets.get(scenario.target)
  if (server === undefined) throw new Error(`no server for ${scenario.name}`)
  const { options } = run
  const settings: LoadSettings = { connections: options.connections, duration: options.duration }
  const rss = watchRss(server.pid)
  let load: LoadRun
  let peakRssKb: number | undefined
  try {
    if (options.warmup > 0) {
      log(`${scenario.name}${label}: warm-up ${options.warmup} s`)
      await runLoad(server.baseUrl, requestFor(scenario, context, sequence), { ...settings, duration: options.warmup }, async () => ({ server: undefined, database: undefined }))
      checkAborted()
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    }
    log(`${scenario.name}${label}: measuring ${options.duration} s, ${options.connections} connections`)
    const sample = async (): Promise<CpuSample> => ({ server: processTicks(server.pid), database: await database?.cpuTicks() })
    load = await runLoad(server.baseUrl, requestFor(scenario, context, sequence), settings, sample)
  } finally {
    peakRssKb = rss.stop()
  }
  checkAborted()
  return measure(scenario, scenario.path(context), load, run.ticksPerSecond, peakRssKb)
}

async function writeResults (file: string, results: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify(results, null, 2) + '\n')
  log(`results written to ${path.relative(process.cwd(), file) || file}`)
}

function warnAbout (scenario: Scenario, m: Measurement): void {
  const cpu = m.serverCpu === null ? '' : `, server ${m.serverCpu.usPerRequest.toFixed(0)} µs/req (${m.serverCpu.cores} cores)`
  log(`${scenario.name}: ${m.requests} requests, ${m.requestsPerSecond.toFixed(0)} req/s${cpu}`)
  if (m.requests === 0) log(`${scenario.name}: WARNING no response completed (errors ${m.errors}, timeouts ${m.timeouts})`)
  if (m.unexpected > 0) {
    const codes = Object.entries(m.statusCodes).map(([code, count]) => `${code}: ${count}`).join(', ')
    log(`${scenario.name}: WARNING ${m.unexpected} responses were not ${scenario.expectedStatus} (${codes}); its figures measure something else`)
  }
}

function gitCommit (): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

async function cleanUp (): Promise<void> {
  // Servers first: their pools must be gone before the database is dropped or stopped.
  await Promise.allSettled(servers.map(async (server) => await server.stop()))
  await database?.close().catch((error: unknown) => { log(`cleaning up the database failed: ${(error as Error).message}`) })
}

let options: BenchOptions
try {
  options = parseOptions(process.argv.slice(2), process.env)
  if (options.help) {
    const width = Math.max(...allScenarios.map((s) => s.name.length)) + 2
    process.stdout.write(`${usage}\n\nScenarios (in run order):\n${allScenarios.map((s) => `  ${s.name.padEnd(width)}${s.description}`).join('\n')}\n`)
    process.exit(0)
  }
  selectScenarios(options.only)
} catch (error) {
  // Bad flags and unknown scenario names: one line and the usage.
  if (!(error instanceof Error)) throw error
  process.stderr.write(`bench: ${error.message}\n\n${usage}\n`)
  process.exit(2)
}

// Ctrl-C: stop the load, then clean up as on any other ending. A second Ctrl-C kills at once
// (the embedded PostgreSQL still stops and deletes its data on exit).
let interrupts = 0
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++
    if (interrupts > 1) {
      for (const server of servers) server.kill()
      process.exit(130)
    }
    log(`${signal}: stopping and cleaning up (again to force)`)
    interrupt.abort()
    stopLoad()
  })
}
process.on('exit', () => { for (const server of servers) server.kill() })

try {
  await main(options)
} catch (error) {
  if (error instanceof Aborted || interrupt.signal.aborted) {
    process.exitCode = 130
  } else {
    log(error instanceof Error ? error.message : String(error))
    const app = servers[0]
    if (app !== undefined && app.output() !== '') log(`last output of the app:\n${app.output()}`)
    process.exitCode = 1
  }
} finally {
  await cleanUp()
}
