import { LRUCache } from 'lru-cache'
import { findTenantRateLimit } from '#db/queries/tenants.js'
import type { Db } from '#db/schema/index.js'
import { tenantScope } from '#db/tenant-scope.js'

export interface TenantLimitsOptions {
  db: Db
  /** The budget of tenants without a plan of their own, and of any whose plan cannot be read. */
  fallback: number
  /** How long a tenant's limit is kept: a plan change applies within this time. */
  ttlMs: number
  onReadError: (error: unknown, tenantId: string) => void
}

/**
 * A tenant's request budget per minute: its `rate_limit_per_minute`, or the configured default.
 * Kept in memory, so it costs one query per tenant per TTL rather than one per request.
 */
export interface TenantLimits {
  /** The limit when it is in memory (nearly always), without a promise. */
  peek: (tenantId: string) => number | undefined
  /** Reads the limit (the fallback when it cannot be read) and keeps it. */
  load: (tenantId: string) => Promise<number>
}

export function tenantLimits (options: TenantLimitsOptions): TenantLimits {
  const { db, fallback } = options
  const limits = new LRUCache<string, number>({
    max: 20_000,
    ttl: options.ttlMs,
    fetchMethod: async (tenantId) => (await findTenantRateLimit(db, tenantScope(tenantId))) ?? fallback
  })
  const load = async (tenantId: string): Promise<number> => {
    try {
      return (await limits.fetch(tenantId)) ?? fallback
    } catch (error) {
      options.onReadError(error, tenantId)
      return fallback
    }
  }
  return { peek: (tenantId) => limits.get(tenantId), load }
}
