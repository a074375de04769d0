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
}

export function measure (scenario: Scenario, path: string, run: LoadRun, ticksPerSecond: number): Measurement {
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
    loadGeneratorCpu: { ms: round(run.loadGeneratorCpuUs / 1000, 1), usPerRequest: requests === 0 ? 0 : round(run.loadGeneratorCpuUs / requests, 1) }
  }
}

export interface Ratio {
  /** app product-by-id server CPU per request / baseline server CPU per request */
  server: number | null
  database: number | null
  target: number
}

export const RATIO_TARGET = 1.15

export function ratioOf (measurements: Measurement[]): Ratio | undefined {
  const app = measurements.find((m) => m.scenario === 'product-by-id')
  const baseline = measurements.find((m) => m.scenario === 'baseline')
  if (app === undefined || baseline === undefined) return undefined
  const divide = (a: CpuFigures | null, b: CpuFigures | null): number | null =>
    a === null || b === null || b.usPerRequest === 0 ? null : round(a.usPerRequest / b.usPerRequest, 2)
  return { server: divide(app.serverCpu, baseline.serverCpu), database: divide(app.databaseCpu, baseline.databaseCpu), target: RATIO_TARGET }
}

export function formatTable (measurements: Measurement[], databaseNote: string | undefined): string {
  const showDatabase = measurements.some((m) => m.databaseCpu !== null)
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'server µs/req', ...(showDatabase ? ['db µs/req'] : [])]
  const rows = measurements.map((m) => [
    m.scenario,
    m.requestsPerSecond.toFixed(0),
    String(m.latencyMs.p50),
    String(m.latencyMs.p99),
    String(m.non2xx),
    m.serverCpu === null ? 'n/a' : m.serverCpu.usPerRequest.toFixed(0),
    ...(showDatabase ? [m.databaseCpu === null ? 'n/a' : m.databaseCpu.usPerRequest.toFixed(0)] : [])
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)))
  // The first column is text (left-aligned), the others numbers (right-aligned).
  const line = (cells: string[]): string => cells.map((cell, column) => column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)).join('  ')
  const lines = [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)]

  const ratio = ratioOf(measurements)
  if (ratio !== undefined) {
    const server = ratio.server === null ? 'n/a' : `${ratio.server.toFixed(2)} ${ratio.server <= ratio.target ? '(within' : '(above'} the ${ratio.target.toFixed(2)} target)`
    const database = ratio.database === null ? '' : `; db CPU ratio ${ratio.database.toFixed(2)}`
    lines.push('', `server CPU per request, product-by-id / baseline: ${server}${database}`)
  }
  if (!showDatabase && databaseNote !== undefined) lines.push(`db CPU not measured: ${databaseNote}`)
  return lines.join('\n')
}

function round (value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
