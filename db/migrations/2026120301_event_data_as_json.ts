import { sql, type Kysely } from 'kysely'

/**
 * Event data as `json`, not `jsonb`: nothing queries inside it, it is written once and read as
 * text by streams and webhooks, so jsonb's parse into its binary form on every insert (twice: the
 * inbox, then `events`) and its rendering back to text on every read were pure cost. `json` also
 * keeps the keys in the order the REST API writes them.
 */
/** product_event_data() as migration 2026120201 defines it, returning `type`. */
async function defineProductEventData (db: Kysely<unknown>, type: 'json' | 'jsonb'): Promise<void> {
  await sql`drop function product_event_data(products)`.execute(db)
  await sql`
    create function product_event_data(p products) returns ${sql.raw(type)} language sql stable parallel safe as $$
      select ${sql.raw(`${type}_build_object`)}(
        'id', p.id, 'name', p.name, 'description', p.description, 'price_cents', p.price_cents,
        'currency', p.currency, 'stock', p.stock, 'category', p.category, 'subcategory', p.subcategory,
        'sku', p.sku, 'created_by', p.created_by, 'created_at', api_timestamp(p.created_at),
        'updated_at', api_timestamp(p.updated_at))
    $$`.execute(db)
}

export async function up (db: Kysely<unknown>): Promise<void> {
  await sql`alter table event_inbox alter column data type json using data::json`.execute(db)
  await sql`alter table events alter column data type json using data::json`.execute(db)
  await defineProductEventData(db, 'json')
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await defineProductEventData(db, 'jsonb')
  await sql`alter table events alter column data type jsonb using data::jsonb`.execute(db)
  await sql`alter table event_inbox alter column data type jsonb using data::jsonb`.execute(db)
}
