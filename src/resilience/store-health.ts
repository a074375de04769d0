import type { Redis } from 'ioredis'

/** The part of a pino logger this needs. */
interface Log {
  warn: (object: object, message: string) => void
  info: (object: object, message: string) => void
}

export interface StoreHealthOptions {
  /** The log line when the store becomes unusable (repeated once per interval while it stays so). */
  outageMessage: string
  /** The log line when it answers again. */
  recoveryMessage: string
  /** The shared store's client, or null for the in-memory store (always usable). */
  redis: Redis | null
  log: Log
  /** Called for every check that was skipped or failed (the request went through unlimited). */
  onFailure: () => void
  /** After a failure, checks are skipped this long, so no request waits on a broken store. */
  retryMs: number
  /** The outage is logged at most once per interval, with the number of checks it skipped. */
  logIntervalMs: number
}

/**
 * Whether a Redis-backed store (the rate limiter's, the response cache's) can be asked. After a
 * failure (a refused connection, or a frozen server's command timeout), and while the client is
 * not connected, the store is skipped without waiting for RETRY_MS, so no request pays the
 * timeout again; the outage is logged once per interval with the number of operations it
 * affected, and the first success after it is logged as recovered.
 */
export class StoreHealth {
  readonly #options: StoreHealthOptions
  #retryAt = 0
  #failing = false
  #failedSinceLog = 0
  #lastLoggedAt = 0

  constructor (options: StoreHealthOptions) {
    this.#options = options
  }

  usable (): boolean {
    if (this.#retryAt !== 0) {
      if (Date.now() < this.#retryAt) return false
      this.#retryAt = 0
    }
    const { redis } = this.#options
    return redis === null || redis.status === 'ready'
  }

  failedOpen (error?: unknown): void {
    const { redis, log, onFailure, retryMs, logIntervalMs, outageMessage } = this.#options
    onFailure()
    const now = Date.now()
    if (error !== undefined) this.#retryAt = now + retryMs
    this.#failing = true
    this.#failedSinceLog++
    if (now - this.#lastLoggedAt >= logIntervalMs) {
      const reason = error ?? new Error(`redis connection is ${redis?.status ?? 'unknown'}`)
      log.warn({ err: reason, affected: this.#failedSinceLog }, outageMessage)
      this.#lastLoggedAt = now
      this.#failedSinceLog = 0
    }
  }

  succeeded (): void {
    if (!this.#failing) return
    this.#failing = false
    this.#options.log.info({ affected: this.#failedSinceLog }, this.#options.recoveryMessage)
    this.#failedSinceLog = 0
    this.#lastLoggedAt = 0
  }
}
