import { parseArgs } from 'node:util'

export interface BenchOptions {
  connections: number
  /** Seconds of the measured window of each scenario. */
  duration: number
  /** Seconds of load before each measured window (0: none). */
  warmup: number
  /** Products seeded over the API before the first scenario that reads them. */
  products: number
  /** How many times the scenario list runs; the table shows medians. */
  rounds: number
  /** Scenario names to run, in table order; undefined: all. */
  only: string[] | undefined
  /** Where to write the JSON results; undefined: bench/results/<timestamp>.json. */
  json: string | undefined
  /** LOG_LEVEL of the servers under test. */
  logLevel: string
  /** Start the app's processes with --cpu-prof (a .cpuprofile each, written when they stop). */
  profile: boolean
  help: boolean
}

export class OptionsError extends Error {}

export const usage = `Usage: npm run bench -- [options]

  --connections=N   concurrent connections (default 50; env BENCH_CONNECTIONS)
  --duration=S      seconds measured per scenario (default 10; env BENCH_DURATION)
  --warmup=S        seconds of load before each measurement, 0 for none (default 3; env BENCH_WARMUP)
  --products=N      products seeded over the API (default 1000; env BENCH_PRODUCTS)
  --only=a,b        scenarios to run (default all; env BENCH_ONLY)
  --rounds=N        run the scenarios N times, alternating, and report medians (default 1; env BENCH_ROUNDS)
  --json=PATH       results file (default bench/results/<timestamp>.json; env BENCH_JSON)
  --log-level=L     LOG_LEVEL of the servers under test (default warn; env BENCH_LOG_LEVEL)
  --profile         CPU-profile the app's processes into bench/results/profiles/<timestamp>/
                    (env BENCH_PROFILE=1); the profiler's overhead inflates the figures
  --help            this text and the scenario names

Runs against an embedded PostgreSQL unless DATABASE_URL is set (then in a throwaway database
bench_<random> on that server, dropped at the end).`

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Flags win over BENCH_* variables, which win over the defaults. */
export function parseOptions (argv: string[], env: Record<string, string | undefined>): BenchOptions {
  let values
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        connections: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        products: { type: 'string' },
        only: { type: 'string' },
        rounds: { type: 'string' },
        json: { type: 'string' },
        'log-level': { type: 'string' },
        profile: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: false
    }))
  } catch (error) {
    throw new OptionsError((error as Error).message)
  }
  const pick = (flag: string | undefined, variable: string): string | undefined => {
    const value = flag ?? env[variable]
    return value === '' ? undefined : value
  }
  const only = pick(values.only, 'BENCH_ONLY')
  const logLevel = pick(values['log-level'], 'BENCH_LOG_LEVEL') ?? 'warn'
  if (!LOG_LEVELS.includes(logLevel)) throw new OptionsError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`)
  return {
    connections: integer('connections', pick(values.connections, 'BENCH_CONNECTIONS'), 50, 1),
    duration: integer('duration', pick(values.duration, 'BENCH_DURATION'), 10, 1),
    warmup: integer('warmup', pick(values.warmup, 'BENCH_WARMUP'), 3, 0),
    products: integer('products', pick(values.products, 'BENCH_PRODUCTS'), 1000, 1),
    rounds: integer('rounds', pick(values.rounds, 'BENCH_ROUNDS'), 1, 1),
    only: only?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    json: pick(values.json, 'BENCH_JSON'),
    logLevel,
    profile: values.profile ?? switchOn('BENCH_PROFILE', env.BENCH_PROFILE),
    help: values.help ?? false
  }
}

/** 1/true or 0/false (unset and empty: off). */
function switchOn (name: string, text: string | undefined): boolean {
  if (text === undefined || ['', '0', 'false'].includes(text)) return false
  if (['1', 'true'].includes(text)) return true
  throw new OptionsError(`${name} must be 1 or 0 (got "${text}")`)
}

function integer (name: string, text: string | undefined, fallback: number, minimum: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < minimum) throw new OptionsError(`--${name} must be a whole number of at least ${minimum} (got "${text}")`)
  return value
}
