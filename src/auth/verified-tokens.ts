/**
 * Access tokens already verified, by their exact text, with what they grant. A token is signed
 * once and then presented on every request for its whole lifetime, so checking the signature
 * again (or hashing the token to look it up, as fast-jwt's own cache does) is repeated work; a
 * Map keyed by the string is a single lookup. Entries end with their token's expiry; past `max`
 * entries the oldest is dropped.
 */
export class VerifiedTokens<T> {
  readonly #entries = new Map<string, { value: T, expiresAt: number }>()
  readonly #max: number

  constructor (max: number) {
    this.#max = max
  }

  /** The cached value, 'expired' for a token seen before whose time is up, or undefined. */
  get (token: string, now: number): T | 'expired' | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    if (now >= entry.expiresAt) {
      this.#entries.delete(token)
      return 'expired'
    }
    return entry.value
  }

  set (token: string, value: T, expiresAt: number): void {
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
    this.#entries.set(token, { value, expiresAt })
  }
}
