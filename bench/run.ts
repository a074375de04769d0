/**
 * `npm run bench`: the app and a minimal baseline server, each in its own process, against a
 * PostgreSQL of the benchmark's own; autocannon in this process. See README.md, "Benchmark".
 */
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ApiClient } from './api.js'
import { provisionDatabase, type BenchDatabase } from './database.js'
import { requestFor, runLoad, stopLoad, type CpuSample, type LoadSettings } from './load.js'
import { parseOptions, usage, type BenchOptions } from './options.js'
import { clockTicksPerSecond, procAvailable, processTicks } from './proc.js'
import { formatTable, measure, ratioOf, summarize, type Measurement } from './report.js'
import { scenarios as allScenarios, selectScenarios, type BenchContext, type Scenario } from './scenarios.js'
import { registerTenant, seedProducts } from './seed.js'
import { startServerProcess, type ServerProcess } from './server-process.js'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Fixed, so the baseline verifies the app's tokens; it never leaves this machine. */
const JWT_SECRET = 'benchmark-only-secret-0123456789abcdef'
const SETTLE_MS = 250
/** Access-token lifetime for the servers under test: the tokens are issued once, at the start. */
const TOKEN_TTL_SECONDS = 3600

const log = (message: string): void => { process.stderr.write(`bench: ${message}\n`) }

class Aborted extends Error {}

const interrupt = new AbortController()
const servers: ServerProcess[] = []
let database: BenchDatabase | undefined

function checkAborted (): void {
  if (interrupt.signal.aborted) throw new Aborted('interrupted')
}

async function main (options: BenchOptions): Promise<void> {
  const selected = selectScenarios(options.only)
  const estimatedSeconds = options.rounds * selected.length * (options.warmup + options.duration + 1)
  if (estimatedSeconds > TOKEN_TTL_SECONDS - 300) {
    log(`WARNING: this run takes about ${Math.round(estimatedSeconds / 60)} min, longer than the ${TOKEN_TTL_SECONDS / 60} min the access tokens last; later scenarios will get 401s`)
  }
  const measurable = procAvailable()
  if (!measurable) log('no /proc on this system: CPU per request will show n/a')
  const ticksPerSecond = clockTicksPerSecond()
  const startedAt = new Date()

  const databaseUrl = process.env.DATABASE_URL === '' ? undefined : process.env.DATABASE_URL
  log(databaseUrl === undefined ? 'starting an embedded PostgreSQL in a temporary directory' : 'using DATABASE_URL\'s server')
  database = await provisionDatabase(databaseUrl, log)
  checkAborted()

  const serverEnv = {
    ...benchDefaults(),
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel,
    DATABASE_URL: database.url,
    JWT_SECRET,
    ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
    FASTIFY_AUTOLOAD_TYPESCRIPT: '1'
  }
  log('starting the app (src/server.ts), which applies the migrations')
  const app = await startServerProcess('app', 'src/server.ts', { cwd: root, env: serverEnv, signal: interrupt.signal })
  servers.push(app)
  checkAborted()

  const anonymous = new ApiClient(app.baseUrl, interrupt.signal)
  const context = await registerTenant(anonymous)
  const api = anonymous.withToken(context.token)
  if (selected.some((scenario) => scenario.needsProducts === true)) {
    const seeding = performance.now()
    context.productIds = await seedProducts(api, context, options.products)
    log(`seeded ${context.productIds.length} products over the API in ${((performance.now() - seeding) / 1000).toFixed(1)} s`)
  }
  checkAborted()

  let baseline: ServerProcess | undefined
  if (selected.some((scenario) => scenario.target === 'baseline')) {
    log('starting the baseline server (bench/baseline-server.ts)')
    baseline = await startServerProcess('baseline', 'bench/baseline-server.ts', { cwd: root, env: serverEnv, signal: interrupt.signal })
    servers.push(baseline)
  }

  const settings: LoadSettings = { connections: options.connections, duration: options.duration }
  // Per scenario, so request bodies stay unique over warm-ups, measurements and rounds.
  const sequences = new Map(selected.map((scenario) => [scenario.name, { next: 0 }]))
  const contexts = new Map<string, BenchContext>()
  const rounds: Measurement[][] = []
  for (let round = 1; round <= options.rounds; round++) {
    const label = options.rounds > 1 ? ` (round ${round}/${options.rounds})` : ''
    const measurements: Measurement[] = []
    for (const scenario of selected) {
      checkAborted()
      const server = scenario.target === 'app' ? app : baseline
      if (server === undefined) throw new Error(`no server for ${scenario.name}`)
      let scenarioContext = contexts.get(scenario.name)
      if (scenarioContext === undefined) {
        scenarioContext = scenario.setup === undefined ? context : await scenario.setup(api, context)
        contexts.set(scenario.name, scenarioContext)
      }
      const sequence = sequences.get(scenario.name) ?? { next: 0 }
      if (options.warmup > 0) {
        log(`${scenario.name}${label}: warm-up ${options.warmup} s`)
        await runLoad(server.baseUrl, requestFor(scenario, scenarioContext, sequence), { ...settings, duration: options.warmup }, async () => ({ server: undefined, database: undefined }))
        checkAborted()
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
      }
      log(`${scenario.name}${label}: measuring ${options.duration} s, ${options.connections} connections`)
      const sample = async (): Promise<CpuSample> => ({ server: processTicks(server.pid), database: await database?.cpuTicks() })
      const run = await runLoad(server.baseUrl, requestFor(scenario, scenarioContext, sequence), settings, sample)
      checkAborted()
      const measurement = measure(scenario, scenario.path(scenarioContext), run, ticksPerSecond)
      measurements.push(measurement)
      warnAbout(scenario, measurement)
    }
    rounds.push(measurements)
  }

  process.stdout.write(`${formatTable(rounds, database.cpuNote)}\n`)

  const file = options.json === undefined
    ? path.join(root, 'bench', 'results', `${startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`)
    : path.resolve(options.json)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify({
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
      clockTicksPerSecond: ticksPerSecond
    },
    notes: database.cpuNote === undefined ? [] : [`db CPU not measured: ${database.cpuNote}`],
    ratio: ratioOf(rounds) ?? null,
    /** One per scenario: medians over the rounds (the single round when there is one). */
    measurements: summarize(rounds),
    rounds
  }, null, 2) + '\n')
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
    process.stdout.write(`${usage}\n\nScenarios (in run order):\n${allScenarios.map((s) => `  ${s.name.padEnd(16)}${s.description}`).join('\n')}\n`)
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

/**
 * The limiter still runs on every request but never rejects (one user and one tenant send all
 * the load), and the response cache is off so product reads measure the database path, like the
 * baseline. Any of these set in the environment wins: `RATE_LIMIT_ENABLED=false npm run bench`
 * measures the app without the limiter, `CACHE_TTL_SECONDS=30` with the cache.
 */
function benchDefaults (): Record<string, string> {
  const defaults: Record<string, string> = {
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000000',
    RATE_LIMIT_USER_PER_MINUTE: '1000000000',
    RATE_LIMIT_TENANT_PER_MINUTE: '1000000000',
    RATE_LIMIT_CREDENTIALS_PER_MINUTE: '1000000000',
    CACHE_TTL_SECONDS: '0'
  }
  return Object.fromEntries(Object.entries(defaults).filter(([name]) => process.env[name] === undefined || process.env[name] === ''))
}
