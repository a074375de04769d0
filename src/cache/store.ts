/**
 * A cache of serialized GET responses, partitioned by tenant. Each tenant has a generation number;
 * entries are stored under the generation that was current before the database was read, and a
 * write to the tenant bumps it. So a response read before a write can never be served after it,
 * even when its store lands after the invalidation.
 */
export interface CachedResponse {
  body: string
  etag: string | undefined
}

export interface Lookup {
  generation: string
  hit: CachedResponse | undefined
}

export interface ResponseCacheStore {
  lookup(tenantId: string, key: string): Promise<Lookup>
  store(tenantId: string, generation: string, key: string, value: CachedResponse): Promise<void>
  invalidate(tenantId: string): Promise<void>
  close(): Promise<void>
}
