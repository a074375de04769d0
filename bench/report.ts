import type { LoadRun } from './load.js'
import type { Scenario } from './scenarios.js'

export interface CpuFigures {
  ticks: number
  /** CPU milliseconds over the measured window. */
  ms: number
  /** CPU microseconds per completed request. */
  usPerRequest: number
  /** Average cores busy over the window (1.0 = one core all the time). */
  cores: number
}

export interface Measurement {
  scenario: string
  target: Scenario['target']
  method: string
  path: string
  expectedStatus: number
  seconds: number
  /** Completed responses, whatever their status. */
  requests: number
  requestsPerSecond: number
  latencyMs: { mean: number, p50: number, p90: number, p99: number, max: number }
  non2xx: number
  /** Responses whose status was not `expectedStatus`. */
  unexpected: number
  statusCodes: Record<string, number>
  errors: number
  timeouts: number
  serverCpu: CpuFigures | null
  databaseCpu: CpuFigures | null
  loadGeneratorCpu: { ms: number, usPerRequest: number }
  /** The server's highest VmRSS over the warm-up and the measured window, in MB (1024 kB). */
  peakRssMb: number | null
  /** The scenario this one's server CPU is compared with (`Scenario.versus`). */
  versus?: string
}

export function measure (scenario: Scenario, path: string, run: LoadRun, ticksPerSecond: number, peakRssKb: number | undefined): Measurement {
  const { result } = run
  const requests = result.requests.total
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]))
  const cpu = (before: number | undefined, after: number | undefined): CpuFigures | null => {
    if (before === undefined || after === undefined || requests === 0) return null
    const ticks = after - before
    const us = ticks * 1e6 / ticksPerSecond
    return { ticks, ms: round(us / 1000, 1), usPerRequest: round(us / requests, 1), cores: round(us / 1e6 / run.wallSeconds, 2) }
  }
  return {
    scenario: scenario.name,
    target: scenario.target,
    method: scenario.method,
    path,
    expectedStatus: scenario.expectedStatus,
    seconds: round(run.wallSeconds, 2),
    requests,
    requestsPerSecond: round(requests / run.wallSeconds, 1),
    latencyMs: { mean: result.latency.mean, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    unexpected: requests - (statusCodes[String(scenario.expectedStatus)] ?? 0),
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpu: cpu(run.before.server, run.after.server),
    databaseCpu: cpu(run.before.database, run.after.database),
    loadGeneratorCpu: { ms: round(run.loadGeneratorCpuUs / 1000, 1), usPerRequest: requests === 0 ? 0 : round(run.loadGeneratorCpuUs / requests, 1) },
    peakRssMb: megabytes(peakRssKb),
    ...(scenario.versus !== undefined && { versus: scenario.versus })
  }
}

export function megabytes (kb: number | undefined): number | null {
  return kb === undefined ? null : round(kb / 1024, 1)
}

export interface Ratio {
  /** app product-by-id server CPU per request / baseline's; the median over rounds. */
  server: number | null
  database: number | null
  /** The ratio of each round (paired: both ran in the same round, close in time). */
  serverRounds: number[]
  databaseRounds: number[]
  target: number
}

export const RATIO_TARGET = 1.15

export function ratioOf (rounds: Measurement[][]): Ratio | undefined {
  const serverRounds: number[] = []
  const databaseRounds: number[] = []
  for (const round of rounds) {
    const app = round.find((m) => m.scenario === 'product-by-id')
    const baseline = round.find((m) => m.scenario === 'baseline')
    if (app === undefined || baseline === undefined) return undefined
    const server = divide(app.serverCpu, baseline.serverCpu)
    const database = divide(app.databaseCpu, baseline.databaseCpu)
    if (server !== null) serverRounds.push(server)
    if (database !== null) databaseRounds.push(database)
  }
  if (rounds.length === 0) return undefined
  return { server: median(serverRounds), database: median(databaseRounds), serverRounds, databaseRounds, target: RATIO_TARGET }
}

export interface Difference {
  scenario: string
  versus: string
  /** Server CPU per request of `scenario` minus that of `versus`, in µs; the median over rounds. */
  usPerRequest: number
  /** The same, in % of `versus`'s; the median over rounds. */
  percent: number
  /** The difference in µs of each round (paired: both ran in the same round, close in time). */
  usRounds: number[]
}

/** One per scenario with a `versus` that ran too; none when the CPU was not measured. */
export function differencesOf (rounds: Measurement[][]): Difference[] {
  const [first] = rounds
  if (first === undefined) return []
  return first.flatMap(({ scenario, versus }) => {
    if (versus === undefined) return []
    const us: number[] = []
    const percent: number[] = []
    for (const measurements of rounds) {
      const own = measurements.find((m) => m.scenario === scenario)?.serverCpu
      const other = measurements.find((m) => m.scenario === versus)?.serverCpu
      if (own == null || other == null || other.usPerRequest === 0) continue
      us.push(round(own.usPerRequest - other.usPerRequest, 1))
      percent.push(round(100 * (own.usPerRequest - other.usPerRequest) / other.usPerRequest, 1))
    }
    const usMedian = median(us)
    const percentMedian = median(percent)
    return usMedian === null || percentMedian === null ? [] : [{ scenario, versus, usPerRequest: usMedian, percent: percentMedian, usRounds: us }]
  })
}

function divide (a: CpuFigures | null, b: CpuFigures | null): number | null {
  return a === null || b === null || b.usPerRequest === 0 ? null : round(a.usPerRequest / b.usPerRequest, 2)
}

/**
 * One measurement per scenario from several rounds: medians of the rates, latencies and CPU per
 * request; sums of the counts.
 */
export function summarize (rounds: Measurement[][]): Measurement[] {
  const [first] = rounds
  if (first === undefined) return []
  if (rounds.length === 1) return first
  return first.map((template, index) => {
    const runs = rounds.map((measurements) => measurements[index]).filter((m): m is Measurement => m !== undefined)
    const mid = (value: (m: Measurement) => number): number => median(runs.map(value)) ?? 0
    const sum = (value: (m: Measurement) => number): number => runs.reduce((total, m) => total + value(m), 0)
    const statusCodes: Record<string, number> = {}
    for (const m of runs) for (const [code, count] of Object.entries(m.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count
    const cpu = (pick: (m: Measurement) => CpuFigures | null): CpuFigures | null => {
      const figures = runs.map(pick)
      if (figures.some((figure) => figure === null)) return null
      const all = figures as CpuFigures[]
      return {
        ticks: all.reduce((total, f) => total + f.ticks, 0),
        ms: round(all.reduce((total, f) => total + f.ms, 0), 1),
        usPerRequest: median(all.map((f) => f.usPerRequest)) ?? 0,
        cores: median(all.map((f) => f.cores)) ?? 0
      }
    }
    return {
      ...template,
      seconds: round(sum((m) => m.seconds), 2),
      requests: sum((m) => m.requests),
      requestsPerSecond: mid((m) => m.requestsPerSecond),
      latencyMs: {
        mean: mid((m) => m.latencyMs.mean),
        p50: mid((m) => m.latencyMs.p50),
        p90: mid((m) => m.latencyMs.p90),
        p99: mid((m) => m.latencyMs.p99),
        max: Math.max(...runs.map((m) => m.latencyMs.max))
      },
      non2xx: sum((m) => m.non2xx),
      unexpected: sum((m) => m.unexpected),
      statusCodes,
      errors: sum((m) => m.errors),
      timeouts: sum((m) => m.timeouts),
      serverCpu: cpu((m) => m.serverCpu),
      databaseCpu: cpu((m) => m.databaseCpu),
      loadGeneratorCpu: { ms: round(sum((m) => m.loadGeneratorCpu.ms), 1), usPerRequest: mid((m) => m.loadGeneratorCpu.usPerRequest) },
      peakRssMb: highest(runs.map((m) => m.peakRssMb))
    }
  })
}

export function formatTable (rounds: Measurement[][], databaseNote: string | undefined): string {
  const measurements = summarize(rounds)
  const showDatabase = measurements.some((m) => m.databaseCpu !== null)
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'server µs/req', ...(showDatabase ? ['db µs/req'] : []), 'peak rss MB']
  const rows = measurements.map((m) => [
    m.scenario,
    m.requestsPerSecond.toFixed(0),
    String(m.latencyMs.p50),
    String(m.latencyMs.p99),
    String(m.non2xx),
    m.serverCpu === null ? 'n/a' : m.serverCpu.usPerRequest.toFixed(0),
    ...(showDatabase ? [m.databaseCpu === null ? 'n/a' : m.databaseCpu.usPerRequest.toFixed(0)] : []),
    m.peakRssMb === null ? 'n/a' : m.peakRssMb.toFixed(0)
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)))
  // The first column is text (left-aligned), the others numbers (right-aligned).
  const line = (cells: string[]): string => cells.map((cell, column) => column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)).join('  ')
  const lines = [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)]
  if (rounds.length > 1) lines.push(`(medians of ${rounds.length} rounds; non-2xx summed; peak rss the highest)`)

  const ratio = ratioOf(rounds)
  if (ratio !== undefined) {
    const spread = (values: number[]): string => values.length > 1 ? `, rounds ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}` : ''
    const server = ratio.server === null
      ? 'n/a'
      : `${ratio.server.toFixed(2)} (${ratio.server <= ratio.target ? 'within' : 'above'} the ${ratio.target.toFixed(2)} target${spread(ratio.serverRounds)})`
    const database = ratio.database === null ? '' : `; db CPU ratio ${ratio.database.toFixed(2)}`
    lines.push('', `server CPU per request, product-by-id / baseline: ${server}${database}`)
  }
  const differences = differencesOf(rounds)
  if (ratio === undefined && differences.length > 0) lines.push('')
  for (const difference of differences) lines.push(formatDifference(difference))
  if (!showDatabase && databaseNote !== undefined) lines.push(`db CPU not measured: ${databaseNote}`)
  return lines.join('\n')
}

function formatDifference ({ scenario, versus, usPerRequest, percent, usRounds }: Difference): string {
  const signed = (value: number, digits: number): string => `${value > 0 ? '+' : ''}${value.toFixed(digits)}`
  const spread = usRounds.length > 1 ? `; rounds ${signed(Math.min(...usRounds), 0)} to ${signed(Math.max(...usRounds), 0)} µs` : ''
  return `server CPU per request, ${scenario} vs ${versus}: ${signed(usPerRequest, 0)} µs (${signed(percent, 1)} %${spread})`
}

/** `name VmHWM` of each server: the most memory it has held resident since it started. */
export function formatHighWaterMarks (servers: Array<{ name: string, vmHwmMb: number | null }>): string {
  const figures = servers.map(({ name, vmHwmMb }) => `${name} ${vmHwmMb === null ? 'n/a' : vmHwmMb.toFixed(0)} MB`)
  return `server VmHWM (peak RSS since start): ${figures.join(', ')}`
}

function median (values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const value = sorted.length % 2 === 1 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
  return round(value, 2)
}

function highest (values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null)
  return known.length === 0 ? null : Math.max(...known)
}

function round (value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
