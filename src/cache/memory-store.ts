import { LRUCache } from 'lru-cache'
import type { CachedResponse, Lookup, ResponseCacheStore } from './store.js'

export interface MemoryStoreOptions {
  ttlMs: number
  maxBytes: number
}

/** The in-process store: an LRU bounded by bytes, for a single instance with no Redis. */
export class MemoryResponseStore implements ResponseCacheStore {
  readonly #entries: LRUCache<string, CachedResponse>
  /** Per-tenant generations; bounded too, and a forgotten tenant simply starts a new generation. */
  readonly #generations = new LRUCache<string, number>({ max: 100_000 })
  #nextGeneration = 1

  constructor (options: MemoryStoreOptions) {
    this.#entries = new LRUCache({
      maxSize: options.maxBytes,
      sizeCalculation: (value, key) => value.body.length + key.length + 64,
      ttl: options.ttlMs
    })
  }

  #generation (tenantId: string): string {
    let generation = this.#generations.get(tenantId)
    if (generation === undefined) {
      generation = this.#nextGeneration++
      this.#generations.set(tenantId, generation)
    }
    return String(generation)
  }

  async lookup (tenantId: string, key: string): Promise<Lookup> {
    const generation = this.#generation(tenantId)
    return { generation, hit: this.#entries.get(`${tenantId}:${generation}:${key}`) }
  }

  async store (tenantId: string, generation: string, key: string, value: CachedResponse): Promise<void> {
    if (generation === this.#generation(tenantId)) this.#entries.set(`${tenantId}:${generation}:${key}`, value)
  }

  async invalidate (tenantId: string): Promise<void> {
    this.#generations.set(tenantId, this.#nextGeneration++)
  }

  async close (): Promise<void> {
    this.#entries.clear()
  }
}
