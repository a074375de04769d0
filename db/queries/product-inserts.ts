import { randomInt } from 'node:crypto'
import { Coalescer, type Settled } from '../coalescer.js'
import { queryRows } from '../direct-queries.js'
import { isForeignKeyViolation } from '../postgres-errors.js'
import type { Db, ProductRow } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'
import { productColumns } from './products.js'

/** A product to insert; a null currency takes the tenant's. */
export interface ProductInsert {
  id: string
  name: string
  description: string | null
  price_cents: number
  currency: string | null
  stock: number
  category: string
  subcategory: string | null
  sku: string | null
  created_by: string
}

export type InsertedProduct = Omit<ProductRow, 'tenant_id'>

/** Inserted, or why not: the SKU is taken in the tenant, or the tenant is gone. */
export type ProductInsertOutcome = { inserted: InsertedProduct } | { rejected: 'sku_taken' | 'no_tenant' }

interface Pending extends ProductInsert { tenant_id: string }

/** Spread of each tenant's product total over rows of product_counts (see migration 2026120101). */
const COUNT_SLOTS = 16

/**
 * One statement inserts any number of products (rows arrive as arrays), takes the tenant's
 * currency where none was given, skips a row whose SKU is taken (also by an earlier row of the
 * same batch), adds the inserted rows to one slot of each tenant's total, and records a
 * `product.created` event for each in the tenant's outbox (the same JSON as product_event_data(),
 * from the inserted values; the sequencer numbers them, see db/queries/events.ts): all or
 * nothing, one commit. The same text serves every batch size, so it is prepared once per connection.
 */
const INSERT_PRODUCTS = `
with input as (
  select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::uuid[])
    with ordinality as v(id, tenant_id, name, description, price_cents, currency, stock, category, subcategory, sku, created_by, position)
), inserted as (
  insert into products (id, tenant_id, name, description, price_cents, currency, stock, category, subcategory, sku, created_by)
  select v.id, v.tenant_id, v.name, v.description, v.price_cents, coalesce(v.currency, t.currency), v.stock, v.category, v.subcategory, v.sku, v.created_by
  from input v join tenants t on t.id = v.tenant_id
  order by v.position
  on conflict (tenant_id, sku) where sku is not null do nothing
  returning ${productColumns.join(', ')}, tenant_id
), counted as (
  insert into product_counts as c (tenant_id, slot, total)
  select tenant_id, $12::smallint, count(*) from inserted group by tenant_id
  on conflict (tenant_id, slot) do update set total = c.total + excluded.total
), evented as (
  insert into event_inbox (tenant_id, type, resource_id, actor_id, data)
  select i.tenant_id, 'product.created', i.id, i.created_by,
    json_build_object(
      'id', i.id, 'name', i.name, 'description', i.description, 'price_cents', i.price_cents,
      'currency', i.currency, 'stock', i.stock, 'category', i.category, 'subcategory', i.subcategory,
      'sku', i.sku, 'created_by', i.created_by, 'created_at', api_timestamp(i.created_at),
      'updated_at', api_timestamp(i.updated_at))
  from inserted i
)
select * from inserted`

async function insertBatch (db: Db, rows: readonly Pending[]): Promise<Array<InsertedProduct & { tenant_id: string }>> {
  const column = <K extends keyof Pending>(key: K): Array<Pending[K]> => rows.map((row) => row[key])
  return await queryRows(db, INSERT_PRODUCTS, [
    column('id'), column('tenant_id'), column('name'), column('description'), column('price_cents'), column('currency'),
    column('stock'), column('category'), column('subcategory'), column('sku'), column('created_by'), randomInt(COUNT_SLOTS)
  ])
}

async function outcomesOf (db: Db, rows: readonly Pending[], inserted: ReadonlyArray<InsertedProduct & { tenant_id: string }>): Promise<ProductInsertOutcome[]> {
  const byId = new Map(inserted.map(({ tenant_id: _tenant, ...product }) => [product.id, product]))
  const outcomes: ProductInsertOutcome[] = []
  for (const row of rows) {
    const product = byId.get(row.id)
    if (product !== undefined) {
      outcomes.push({ inserted: product })
      continue
    }
    // Rare: tell a missing tenant from a taken SKU.
    const tenants = await queryRows<{ id: string }>(db, 'select id from tenants where id = $1', [row.tenant_id])
    outcomes.push({ rejected: tenants.length === 0 ? 'no_tenant' : 'sku_taken' })
  }
  return outcomes
}

/**
 * Concurrent product creations share statements (see Coalescer). Measured with pgbench on the
 * product table at 20 concurrent clients: one row per statement cost 484-529 us of database CPU
 * per product; at 4 in flight 272 us; batches of 5 at 4 in flight 127 us per product.
 */
const coalescers = new WeakMap<Db, Coalescer<Pending, ProductInsertOutcome>>()

function coalescerFor (db: Db): Coalescer<Pending, ProductInsertOutcome> {
  let coalescer = coalescers.get(db)
  if (coalescer === undefined) {
    coalescer = new Coalescer(async (rows) => await runBatch(db, rows), { maxBatch: 64, maxInFlight: 2 })
    coalescers.set(db, coalescer)
  }
  return coalescer
}

/**
 * A batch, or if a row breaks a constraint the statement cannot skip (a creator deleted meanwhile
 * fails its foreign key), each row on its own, so one bad row fails only its own request.
 */
async function runBatch (db: Db, rows: Pending[]): Promise<Array<Settled<ProductInsertOutcome>>> {
  try {
    const outcomes = await outcomesOf(db, rows, await insertBatch(db, rows))
    return outcomes.map((value) => ({ ok: true, value }))
  } catch (error) {
    if (rows.length === 1 || !isForeignKeyViolation(error)) throw error
    return await Promise.all(rows.map(async (row): Promise<Settled<ProductInsertOutcome>> => {
      try {
        const [outcome] = await outcomesOf(db, [row], await insertBatch(db, [row]))
        return { ok: true, value: outcome! }
      } catch (rowError) {
        return { ok: false, error: rowError }
      }
    }))
  }
}

/**
 * Inserts a product into the tenant. Outside a transaction it joins a batch with other
 * creations running at the same moment; inside one it is a statement of that transaction.
 */
export async function insertProduct (db: Db, scope: TenantScope, product: ProductInsert): Promise<ProductInsertOutcome> {
  const row: Pending = { ...product, tenant_id: scope.tenantId }
  if (db.isTransaction) {
    const [outcome] = await outcomesOf(db, [row], await insertBatch(db, [row]))
    return outcome!
  }
  return await coalescerFor(db).submit(row)
}
