import { randomUUID } from 'node:crypto'
import { ApiError, mapLimited, type ApiClient } from './api.js'
import { seedProduct, type BenchContext } from './scenarios.js'

const SEED_CONCURRENCY = 20

/** Registers a user with a tenant of their own; the client carries its access token from then on. */
export async function registerTenant (api: ApiClient): Promise<BenchContext> {
  const session = await api.post<{ access_token: string, tenant: { id: string }, user: { id: string } }>('/api/v1/auth/register', {
    email: `bench-${randomUUID()}@example.com`,
    password: 'benchmark password',
    name: 'Benchmark',
    tenant_name: 'Benchmark Tenant'
  })
  api.token = session.access_token
  return { tenantId: session.tenant.id, userId: session.user.id, token: session.access_token, productIds: [], extra: {} }
}

/** Creates `count` products through POST .../products, at most SEED_CONCURRENCY at a time. */
export async function seedProducts (api: ApiClient, context: BenchContext, count: number): Promise<string[]> {
  const path = `/api/v1/tenants/${context.tenantId}/products`
  try {
    return await mapLimited(count, SEED_CONCURRENCY, async (index) => (await api.post<{ id: string }>(path, seedProduct(index))).id)
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new Error(`seeding failed: ${error.message}\nThis build has no product routes yet; only the scenarios that need no products can run (e.g. --only=health).`)
    }
    throw error
  }
}
