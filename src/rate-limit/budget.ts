/** The store interface of @fastify/rate-limit (its LocalStore and RedisStore): a callback per count. */
export interface CounterStore {
  incr: (key: string, callback: (error: Error | null, result: { current: number, ttl: number } | null) => void, timeWindowMs: number, max: number) => void
}

export type Scope = 'anonymous' | 'tenant' | 'user' | 'credentials'

/** Where one request stands in one budget: what the X-RateLimit-* headers say. */
export interface Verdict {
  scope: Scope
  max: number
  remaining: number
  resetSeconds: number
  exceeded: boolean
}

export type VerdictCallback = (error: Error | null, verdict: Verdict | undefined) => void

/** One fixed-window budget: requests per window, counted in a store under `<scope>:<key>`. */
export class Budget {
  readonly scope: Scope
  readonly #store: CounterStore
  readonly #windowMs: number

  constructor (scope: Scope, store: CounterStore, windowMs: number) {
    this.scope = scope
    this.#store = store
    this.#windowMs = windowMs
  }

  /** Counts one request; synchronous for the in-memory store, one round trip for Redis. */
  count (key: string, max: number, callback: VerdictCallback): void {
    this.#store.incr(key, (error, result) => {
      if (error !== null || result === null) return callback(error ?? new Error('rate-limit store returned nothing'), undefined)
      callback(null, {
        scope: this.scope,
        max,
        remaining: Math.max(0, max - result.current),
        resetSeconds: Math.max(1, Math.ceil(result.ttl / 1000)),
        exceeded: result.current > max
      })
    }, this.#windowMs, max)
  }
}

/** Exceeded beats not exceeded; then the longer wait, or the fewer requests left. */
export function tighter (current: Verdict | undefined, candidate: Verdict): Verdict {
  if (current === undefined) return candidate
  if (candidate.exceeded !== current.exceeded) return candidate.exceeded ? candidate : current
  if (candidate.exceeded) return candidate.resetSeconds > current.resetSeconds ? candidate : current
  return candidate.remaining < current.remaining ? candidate : current
}
