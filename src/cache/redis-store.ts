import type { Redis } from 'ioredis'
import type { CachedResponse, Lookup, ResponseCacheStore } from './store.js'

export interface RedisStoreOptions {
  ttlMs: number
  prefix: string
}

/** Reads the tenant's generation and the entry under it in one round trip. */
const LOOKUP = `
local generation = redis.call('GET', KEYS[1]) or '0'
return { generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2]) }`

/**
 * The shared store, for several instances behind a load balancer: a write on one instance bumps
 * the tenant's generation in Redis, which every instance reads on lookup.
 */
export class RedisResponseStore implements ResponseCacheStore {
  readonly #redis: Redis
  readonly #options: RedisStoreOptions

  constructor (redis: Redis, options: RedisStoreOptions) {
    this.#redis = redis
    this.#options = options
  }

  #generationKey (tenantId: string): string {
    return `${this.#options.prefix}gen:${tenantId}`
  }

  #entryPrefix (tenantId: string): string {
    return `${this.#options.prefix}entry:${tenantId}:`
  }

  async lookup (tenantId: string, key: string): Promise<Lookup> {
    const [generation, raw] = await this.#redis.eval(LOOKUP, 1, this.#generationKey(tenantId), this.#entryPrefix(tenantId), key) as [string, string | null]
    return { generation, hit: raw === null ? undefined : JSON.parse(raw) as CachedResponse }
  }

  async store (tenantId: string, generation: string, key: string, value: CachedResponse): Promise<void> {
    await this.#redis.set(`${this.#entryPrefix(tenantId)}${generation}:${key}`, JSON.stringify(value), 'PX', this.#options.ttlMs)
  }

  async invalidate (tenantId: string): Promise<void> {
    await this.#redis.incr(this.#generationKey(tenantId))
  }

  async close (): Promise<void> {}
}
