import { sql, type Kysely } from 'kysely'

/**
 * Products and locations. Every row carries tenant_id (cascading with the tenant); `version`
 * increments on each update and is the strong ETag, so If-Match checks are one conditional UPDATE.
 * Each list filter and sort the API offers has an index that starts with tenant_id and ends with
 * id, the tie-breaker of every ORDER BY.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)

  await db.schema.createTable('products')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('price_cents', 'integer', (col) => col.notNull().check(sql`price_cents >= 0`))
    .addColumn('currency', sql`char(3)`, (col) => col.notNull())
    .addColumn('stock', 'integer', (col) => col.notNull().check(sql`stock >= 0`))
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('subcategory', 'text')
    .addColumn('sku', 'text')
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index products_tenant_sku_key on products (tenant_id, sku) where sku is not null`.execute(db)
  await sql`create index products_tenant_created_idx on products (tenant_id, created_at, id)`.execute(db)
  await sql`create index products_tenant_name_idx on products (tenant_id, name, id)`.execute(db)
  await sql`create index products_tenant_price_idx on products (tenant_id, price_cents, id)`.execute(db)
  await sql`create index products_tenant_stock_idx on products (tenant_id, stock, id)`.execute(db)
  await sql`create index products_tenant_category_idx on products (tenant_id, category, subcategory, id)`.execute(db)
  await sql`create index products_name_trgm_idx on products using gin (lower(name) gin_trgm_ops)`.execute(db)

  await db.schema.createTable('locations')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('address_line1', 'text')
    .addColumn('address_line2', 'text')
    .addColumn('city', 'text')
    .addColumn('region', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('country', sql`char(2)`)
    .addColumn('timezone', 'text', (col) => col.notNull())
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index locations_tenant_created_idx on locations (tenant_id, created_at, id)`.execute(db)
  await sql`create index locations_tenant_name_idx on locations (tenant_id, name, id)`.execute(db)
  await sql`create index locations_tenant_active_idx on locations (tenant_id, active, created_at, id)`.execute(db)
  await sql`create index locations_name_trgm_idx on locations using gin (lower(name) gin_trgm_ops)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('locations').execute()
  await db.schema.dropTable('products').execute()
}
