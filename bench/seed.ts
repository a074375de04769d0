import { randomUUID } from 'node:crypto'
import { ApiError, mapLimited, type ApiClient } from './api.js'
import type { BenchContext } from './scenarios.js'

const SEED_CONCURRENCY = 20

/** Registers a new user with a tenant of their own, signed in as its owner. */
export async function registerTenant (api: ApiClient): Promise<BenchContext> {
  const session = await api.post<{ access_token: string, tenant: { id: string }, user: { id: string } }>('/api/v1/auth/register', {
    email: `bench-${randomUUID()}@example.com`,
    password: 'benchmark password',
    name: 'Benchmark',
    tenant_name: 'Benchmark Tenant'
  })
  return { tenantId: session.tenant.id, userId: session.user.id, token: session.access_token, productIds: [], extra: {} }
}

/** A seeded product: varied enough that list pages and indexes look like real data. */
export function seedProduct (index: number): Record<string, unknown> {
  const categories = ['beverages', 'bakery', 'dairy', 'produce', 'household', 'snacks', 'frozen', 'personal-care']
  return {
    name: `Product ${String(index).padStart(4, '0')}`,
    description: index % 3 === 0 ? null : `Seeded product number ${index} for the benchmark.`,
    price_cents: 99 + ((index * 7919) % 20000),
    stock: (index * 31) % 1000,
    category: categories[index % categories.length],
    subcategory: `line-${index % 5}`,
    sku: `SKU-${String(index).padStart(6, '0')}`
  }
}

/** Creates `count` products through POST .../products (as `api`'s user), at most SEED_CONCURRENCY at a time. */
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

/**
 * A seeded task: the three statuses in turn, and each status with every priority (the priority
 * changes every third task), a due date on most.
 */
export function seedTask (index: number): Record<string, unknown> {
  const statuses = ['pending', 'in_progress', 'completed']
  const priorities = ['low', 'medium', 'high']
  return {
    title: `Task ${String(index).padStart(4, '0')}`,
    description: index % 4 === 0 ? null : `Seeded task number ${index} for the benchmark.`,
    status: statuses[index % statuses.length],
    priority: priorities[Math.floor(index / statuses.length) % priorities.length],
    due_date: index % 5 === 0 ? null : new Date(Date.UTC(2030, 0, 1 + (index % 365))).toISOString()
  }
}

/** Creates `count` tasks through POST .../tasks (as `api`'s user), at most SEED_CONCURRENCY at a time. */
export async function seedTasks (api: ApiClient, context: BenchContext, count: number): Promise<string[]> {
  const path = `/api/v1/tenants/${context.tenantId}/tasks`
  return await mapLimited(count, SEED_CONCURRENCY, async (index) => (await api.post<{ id: string }>(path, seedTask(index))).id)
}
