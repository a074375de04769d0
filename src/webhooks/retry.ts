/** A delivery is retried for this long after its first attempt, then given up (`failed`). */
export const RETRY_WINDOW_MS = 24 * 60 * 60_000
/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 60 * 60_000

/**
 * The wait before attempt `failures + 1`: exponential (base, 2 x base, 4 x base... up to an hour)
 * with full jitter (uniform between 0 and that), so receivers coming back from an outage are not
 * hit by every sender at once.
 */
export function backoffMs (failures: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30))
  return Math.round(random() * ceiling)
}

/** Whether a delivery first attempted at `firstAttemptAt` (ms) is past its retry window at `now`. */
export function retryWindowOver (firstAttemptAt: number, now: number): boolean {
  return now - firstAttemptAt >= RETRY_WINDOW_MS
}
