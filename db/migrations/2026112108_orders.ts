import { sql, type Kysely } from 'kysely'

/**
 * Orders, their lines, and stored responses for Idempotency-Key retries (see
 * src/services/idempotency.ts: a key is claimed in the transaction that does the work).
 *
 * Tenancy is enforced by the keys themselves: an order's location and a line's product and order
 * are composite foreign keys on (tenant_id, id), so no row can point into another tenant whatever
 * the code above does. (products and locations get the unique (tenant_id, id) those keys need.)
 * The foreign keys to products and locations are NO ACTION: a product or location that orders
 * refer to cannot be deleted, but deleting the tenant still cascades through everything.
 *
 * Money: a line is at most 10,000 x 2^31-1 cents and an order at most 100 lines, about 2.1e15,
 * below 2^53, so bigint columns are read as exact JavaScript numbers (db/type-parsers.ts); the
 * checks keep it that way.
 *
 * Lists are newest first with a keyset on (created_at, id): each list filter has an index that
 * leads with tenant_id and ends with created_at desc, id desc.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await sql`alter table products add constraint products_tenant_id_id_key unique (tenant_id, id)`.execute(db)
  await sql`alter table locations add constraint locations_tenant_id_id_key unique (tenant_id, id)`.execute(db)

  await db.schema.createTable('orders')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('location_id', 'uuid', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open', 'paid', 'voided')`))
    .addColumn('currency', sql`char(3)`, (col) => col.notNull())
    .addColumn('subtotal_cents', 'bigint', (col) => col.notNull().check(sql`subtotal_cents between 0 and 9007199254740991`))
    .addColumn('total_cents', 'bigint', (col) => col.notNull().check(sql`total_cents between 0 and 9007199254740991`))
    .addColumn('item_count', 'integer', (col) => col.notNull().check(sql`item_count between 1 and 100`))
    .addColumn('note', 'text')
    .addColumn('customer_ref', 'text')
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('paid_at', sql`timestamptz(3)`)
    .addColumn('paid_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('voided_at', sql`timestamptz(3)`)
    .addColumn('voided_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('void_reason', 'text')
    .addUniqueConstraint('orders_tenant_id_id_key', ['tenant_id', 'id'])
    .addForeignKeyConstraint('orders_location_fkey', ['tenant_id', 'location_id'], 'locations', ['tenant_id', 'id'])
    // A paid order keeps paid_at when it is later voided; a voided one always has when and why.
    .addCheckConstraint('orders_paid_check', sql`status <> 'paid' or paid_at is not null`)
    .addCheckConstraint('orders_voided_check', sql`(status = 'voided') = (voided_at is not null and void_reason is not null)`)
    .execute()
  await sql`create index orders_tenant_created_idx on orders (tenant_id, created_at desc, id desc)`.execute(db)
  await sql`create index orders_tenant_location_created_idx on orders (tenant_id, location_id, created_at desc, id desc)`.execute(db)
  await sql`create index orders_tenant_status_created_idx on orders (tenant_id, status, created_at desc, id desc)`.execute(db)

  await db.schema.createTable('order_items')
    .addColumn('order_id', 'uuid', (col) => col.notNull())
    .addColumn('line_no', 'smallint', (col) => col.notNull().check(sql`line_no between 1 and 100`))
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('product_id', 'uuid', (col) => col.notNull())
    .addColumn('product_name', 'text', (col) => col.notNull())
    .addColumn('quantity', 'integer', (col) => col.notNull().check(sql`quantity between 1 and 10000`))
    .addColumn('unit_price_cents', 'integer', (col) => col.notNull().check(sql`unit_price_cents >= 0`))
    .addColumn('line_total_cents', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('order_items_pkey', ['order_id', 'line_no'])
    .addUniqueConstraint('order_items_order_product_key', ['order_id', 'product_id'])
    .addForeignKeyConstraint('order_items_order_fkey', ['tenant_id', 'order_id'], 'orders', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
    .addForeignKeyConstraint('order_items_product_fkey', ['tenant_id', 'product_id'], 'products', ['tenant_id', 'id'])
    .addCheckConstraint('order_items_line_total_check', sql`line_total_cents = quantity::bigint * unit_price_cents`)
    .execute()
  // Serves the foreign-key check when a product is deleted, and "orders of this product" later.
  await sql`create index order_items_tenant_product_idx on order_items (tenant_id, product_id)`.execute(db)

  await db.schema.createTable('idempotency_keys')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull().check(sql`length(key) between 1 and 255`))
    .addColumn('user_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('request_hash', 'text', (col) => col.notNull())
    // Filled in the same transaction as the work, so a committed row always has both.
    .addColumn('response_status', 'smallint')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', sql`timestamptz(3)`, (col) => col.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['tenant_id', 'key'])
    .execute()
  // For a purge of expired keys (expired keys are already ignored and replaced on reuse).
  await sql`create index idempotency_keys_expires_idx on idempotency_keys (expires_at)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute()
  await db.schema.dropTable('order_items').execute()
  await db.schema.dropTable('orders').execute()
  await sql`alter table locations drop constraint locations_tenant_id_id_key`.execute(db)
  await sql`alter table products drop constraint products_tenant_id_id_key`.execute(db)
}
