import { mapLimited, type ApiClient } from './api.js'
import { registerTenant, seedTasks } from './seed.js'
import type { Target } from './targets.js'

/** What the seeding left for the scenarios to use. */
export interface BenchContext {
  tenantId: string
  userId: string
  /** A valid access token of the tenant's owner; every request carries it. */
  token: string
  /** Seeded products, in creation order (empty unless a selected scenario needs products). */
  productIds: string[]
  /** Whatever a scenario's `setup` adds for its path and body (e.g. a location id). */
  extra: Record<string, string>
}

export interface Scenario {
  /** What `--only` selects and the table shows. */
  name: string
  description: string
  /** Which server answers: the application, one of its variants (bench/targets.ts), or the minimal single-file baseline. */
  target: Target
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: (context: BenchContext) => string
  /** A JSON body, built for each request (`sequence` counts from 0 over warm-up and measurement). */
  body?: (context: BenchContext, sequence: number) => unknown
  /** The status every response should have; others are counted and reported. */
  expectedStatus: number
  /** Needs the seeded products (seeded once, before the first scenario that needs them). */
  needsProducts?: boolean
  /**
   * Runs once, before the scenario's first warm-up, with a client signed in as the seeded
   * tenant's owner; returns the context the scenario runs with (default: the seeded one).
   */
  setup?: (api: ApiClient, context: BenchContext) => Promise<BenchContext>
  /** A scenario whose server CPU per request this one's is compared with, after the table. */
  versus?: string
}

const tenant = (context: BenchContext): string => `/api/v1/tenants/${context.tenantId}`

/** Tasks in task-list's tenant, a third of them pending. */
const TASKS = 500

/**
 * One fixed product for reads, the same for the app and the baseline: a lookup by primary key
 * costs the same for any row, and a fixed id keeps the load generator's per-request work at zero.
 */
export function readProductId (context: BenchContext): string {
  const id = context.productIds[Math.floor(context.productIds.length / 2)]
  if (id === undefined) throw new Error('no products were seeded')
  return id
}

const PRODUCT_FIELDS = 'id name description price_cents currency stock category subcategory sku created_by created_at updated_at'
const GRAPHQL_PRODUCT = `query Product($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`
const GRAPHQL_PRODUCT_LIST = `{ products(page: 1, page_size: 25) { items { ${PRODUCT_FIELDS} } meta { page page_size total total_pages } } }`

/** The same product read for the app, its variants and the baseline. */
const productRead: Pick<Scenario, 'method' | 'path' | 'expectedStatus' | 'needsProducts'> = {
  method: 'GET',
  path: (context) => `${tenant(context)}/products/${readProductId(context)}`,
  expectedStatus: 200,
  needsProducts: true
}

/**
 * The scenarios, in the order they run: reads first, writes last (writes grow the table), and
 * the app's variants and the baseline right after the app's product-by-id so all see the same
 * machine conditions.
 */
export const scenarios: Scenario[] = [
  {
    name: 'health',
    description: 'GET /health: routing, hooks and serialization, no I/O',
    target: 'app',
    method: 'GET',
    path: () => '/health',
    expectedStatus: 200
  },
  {
    name: 'product-by-id',
    description: 'GET one product: JWT, tenant check, one indexed query',
    target: 'app',
    ...productRead
  },
  {
    name: 'product-by-id-no-rate-limit',
    description: 'the same, on an app process of its own with RATE_LIMIT_ENABLED=false',
    target: 'app-no-rate-limit',
    ...productRead,
    versus: 'product-by-id'
  },
  {
    name: 'product-by-id-no-metrics',
    description: 'the same, on an app process of its own with METRICS_ENABLED=false',
    target: 'app-no-metrics',
    ...productRead,
    versus: 'product-by-id'
  },
  {
    name: 'baseline',
    description: 'the same product lookup on a minimal single-file Fastify + pg server',
    target: 'baseline',
    ...productRead
  },
  {
    name: 'product-list',
    description: 'GET the first page of 25 products, with the total count',
    target: 'app',
    method: 'GET',
    path: (context) => `${tenant(context)}/products?page=1&page_size=25`,
    expectedStatus: 200,
    needsProducts: true
  },
  {
    name: 'graphql-product-by-id',
    description: 'product-by-id over GraphQL: POST /graphql, every field of the product',
    target: 'app',
    method: 'POST',
    path: () => '/graphql',
    body: (context) => ({ query: GRAPHQL_PRODUCT, variables: { id: readProductId(context) } }),
    expectedStatus: 200,
    needsProducts: true,
    versus: 'product-by-id'
  },
  {
    name: 'graphql-product-list',
    description: 'product-list over GraphQL: the first page of 25 with every field and the total',
    target: 'app',
    method: 'POST',
    path: () => '/graphql',
    body: () => ({ query: GRAPHQL_PRODUCT_LIST }),
    expectedStatus: 200,
    needsProducts: true,
    versus: 'product-list'
  },
  {
    name: 'task-list',
    description: `GET 25 pending tasks by descending priority, with the total, among ${TASKS} tasks of a tenant of its own`,
    target: 'app',
    method: 'GET',
    setup: async (api) => {
      const context = await registerTenant(api)
      await seedTasks(api.withToken(context.token), context, TASKS)
      return context
    },
    path: (context) => `${tenant(context)}/tasks?status=pending&sort=-priority&page_size=25`,
    expectedStatus: 200
  },
  {
    name: 'product-create',
    description: 'POST a new product (one insert), in a tenant of its own',
    target: 'app',
    method: 'POST',
    // Its own tenant, so the rows it adds never change what the read scenarios list and count.
    setup: async (api) => await registerTenant(api),
    path: (context) => `${tenant(context)}/products`,
    body: (_context, sequence) => ({
      name: `Load product ${sequence}`,
      price_cents: 100 + (sequence % 9900),
      stock: sequence % 500,
      category: 'load',
      subcategory: 'created',
      sku: `LOAD-${sequence}`
    }),
    expectedStatus: 201
  },
  {
    name: 'order-create',
    description: 'POST an order of 1-3 lines: one transaction locking, checking and decrementing the products, then order and lines',
    target: 'app',
    method: 'POST',
    // A tenant of its own with ample stock, so every order succeeds and the seeded products (and
    // what the read scenarios see) never change.
    setup: async (api) => {
      const context = await registerTenant(api)
      const owner = api.withToken(context.token)
      const base = tenant(context)
      const location = await owner.post<{ id: string }>(`${base}/locations`, { name: 'Bench store', timezone: 'UTC' })
      const productIds = await mapLimited(ORDER_PRODUCTS, 20, async (index) =>
        (await owner.post<{ id: string }>(`${base}/products`, { name: `Order product ${index}`, price_cents: 100 + index, stock: 1000000000, category: 'orders' })).id)
      return { ...context, productIds, extra: { locationId: location.id } }
    },
    path: (context) => `${tenant(context)}/locations/${context.extra.locationId ?? ''}/orders`,
    body: (context, sequence) => orderBody(context.productIds, sequence),
    expectedStatus: 201
  }
]

/** Products the order scenario spreads its lines over (few enough that lines overlap and contend). */
const ORDER_PRODUCTS = 100

/** 1 to 3 distinct products (ascending positions, so never a repeated product), quantities 1 to 3. */
export function orderBody (productIds: string[], sequence: number): { items: Array<{ product_id: string, quantity: number }> } {
  const lines = 1 + (sequence % 3)
  const first = (sequence * 7) % (productIds.length - 2 * lines)
  return {
    items: Array.from({ length: lines }, (_, line) => ({ product_id: productIds[first + line * 2]!, quantity: 1 + ((sequence + line) % 3) }))
  }
}

export function selectScenarios (only: string[] | undefined): Scenario[] {
  if (only === undefined || only.length === 0) return scenarios
  const known = new Set(scenarios.map((scenario) => scenario.name))
  const unknown = only.filter((name) => !known.has(name))
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.map((name) => `"${name}"`).join(', ')}; choose from ${[...known].join(', ')}`)
  }
  // Table order, whatever order --only lists them in.
  return scenarios.filter((scenario) => only.includes(scenario.name))
}
