import autocannon, { type Instance, type Request, type Result } from 'autocannon'
import type { BenchContext, Scenario } from './scenarios.js'

export interface LoadSettings {
  connections: number
  /** seconds */
  duration: number
}

export interface CpuSample {
  /** The server process's CPU ticks so far. */
  server: number | undefined
  /** PostgreSQL's CPU ticks so far. */
  database: number | undefined
}

export interface LoadRun {
  result: Result
  before: CpuSample
  after: CpuSample
  /** CPU the load generator (this process) spent in the window, in microseconds. */
  loadGeneratorCpuUs: number
  /** Wall-clock seconds between the two samples. */
  wallSeconds: number
}

/** The autocannon run in progress, so Ctrl-C can stop it. */
let current: Instance | undefined

export function stopLoad (): void {
  current?.stop()
}

/**
 * The request autocannon sends (a fresh object per run: autocannon writes into it). Bodies are
 * built per request only when the scenario has one; `sequence` carries on from run to run, so
 * the warm-up and the measurement never send the same body twice.
 */
export function requestFor (scenario: Scenario, context: BenchContext, sequence: { next: number }): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${context.token}` }
  const request: Request = { method: scenario.method, path: scenario.path(context), headers }
  const body = scenario.body
  if (body !== undefined) {
    headers['content-type'] = 'application/json'
    request.setupRequest = (params) => ({ ...params, body: JSON.stringify(body(context, sequence.next++)) })
  }
  return request
}

/** One autocannon run against `baseUrl`; `sample` is read right before and right after it. */
export async function runLoad (baseUrl: string, request: Request, settings: LoadSettings, sample: () => Promise<CpuSample>): Promise<LoadRun> {
  const before = await sample()
  const ownBefore = process.cpuUsage()
  const startedAt = performance.now()
  const result = await new Promise<Result>((resolve, reject) => {
    current = autocannon({
      url: baseUrl,
      connections: settings.connections,
      duration: settings.duration,
      requests: [request]
    }, (error, value) => {
      current = undefined
      if (error !== null) reject(error)
      else resolve(value)
    })
  })
  const wallSeconds = (performance.now() - startedAt) / 1000
  const own = process.cpuUsage(ownBefore)
  const after = await sample()
  return { result, before, after, loadGeneratorCpuUs: own.user + own.system, wallSeconds }
}
