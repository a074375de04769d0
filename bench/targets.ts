/**
 * The servers the scenarios run against. The app runs as in production: compiled JavaScript
 * (dist/, which run.ts builds first) under plain node. Its variants are the same build with one
 * feature off, so the difference to the app is that feature's cost. The baseline is one
 * TypeScript file, run through tsx.
 */
import type { BenchOptions } from './options.js'
import type { ServerCommand } from './server-process.js'

/** Fixed, so the baseline verifies the app's tokens; it never leaves this machine. */
const JWT_SECRET = 'benchmark-only-secret-0123456789abcdef'
/** Access-token lifetime for the servers under test: the tokens are issued once, at the start. */
export const TOKEN_TTL_SECONDS = 3600

export type Target = 'app' | 'app-no-rate-limit' | 'app-no-metrics' | 'baseline'

export interface TargetSpec {
  command: ServerCommand
  /** On top of the environment every server gets; undefined removes a variable. */
  env: Record<string, string | undefined>
}

export const APP_ENTRY = 'dist/src/server.js'
/** The flags `npm start` serves with (package.json): the README's "Memory" note says why. */
export const APP_NODE_ARGS = ['--max-semi-space-size=16']
const BASELINE_ENTRY = 'bench/baseline-server.ts'

const APP_VARIANTS: Record<Exclude<Target, 'baseline'>, Record<string, string>> = {
  app: {},
  'app-no-rate-limit': { RATE_LIMIT_ENABLED: 'false' },
  'app-no-metrics': { METRICS_ENABLED: 'false' }
}

/** How to start `target`; with `profileDir`, the app's processes write a CPU profile there on exit. */
export function targetSpec (target: Target, profileDir: string | undefined): TargetSpec {
  if (target === 'baseline') return { command: { entry: BASELINE_ENTRY, nodeArgs: ['--import', 'tsx'] }, env: {} }
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${target}.cpuprofile`]
  return {
    command: { entry: APP_ENTRY, nodeArgs: [...APP_NODE_ARGS, ...profile] },
    // `npm run bench` sets it for tsx; set to anything, it makes autoload look for TypeScript routes.
    env: { FASTIFY_AUTOLOAD_TYPESCRIPT: undefined, ...APP_VARIANTS[target] }
  }
}

export function commandLine (command: ServerCommand): string {
  return ['node', ...command.nodeArgs, command.entry].join(' ')
}

/** What every server gets; a target adds its own (bench/targets.ts). */
export function serverEnv (options: Pick<BenchOptions, 'logLevel'>, databaseUrl: string): Record<string, string> {
  return {
    ...benchDefaults(),
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel,
    DATABASE_URL: databaseUrl,
    JWT_SECRET,
    // Production requires it; nothing scrapes during a run, so any value of 16+ characters does.
    METRICS_TOKEN: 'bench-metrics-token-not-a-secret',
    ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
    // One process, so /proc/<pid> holds all the server's CPU and memory (workers have pids of their own).
    WEB_CONCURRENCY: '1'
  }
}

/**
 * The limiter still runs on every request but never rejects (one user and one tenant send all
 * the load), and the response cache is off so product reads measure the database path, like the
 * baseline. Any of these set in the environment wins: `CACHE_TTL_SECONDS=30 npm run bench`
 * measures the app with the cache (the product-by-id-no-* scenarios measure without the limiter
 * and without metrics).
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
