import { sql, type Kysely } from 'kysely'

/**
 * The transactional outbox: every committed change writes its event in the same transaction.
 *
 * - A write only inserts its event rows into `event_inbox` (ordered by an identity): no lock, no
 *   NOTIFY, so writers of a tenant do not queue behind each other and PostgreSQL keeps group commit. (A
 *   per-tenant counter locked until COMMIT, and a NOTIFY per commit, which takes a database-wide
 *   lock at commit, made order creation cost twice as much.)
 * - A sequencer (db/queries/events.ts, one instance at a time under an advisory lock) moves
 *   committed events from the inbox to `events`, numbered: `id` increases by one per event within
 *   the tenant, in the order they became visible, so ids are final and gap-free when readers see them, and a reader that has seen N has
 *   seen every event below N. It NOTIFYs `retail_ops_events` once per batch.
 * - `product_event_data()` renders a product as the REST API does, for events written by SQL
 *   (product creations in a batch, stock changed by orders).
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await sql`create table event_counters (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    last_id bigint not null
  )`.execute(db)
  // Written by the writing transactions; emptied by the sequencer into `events`. One index, small.
  await sql`create table event_inbox (
    seq bigint generated always as identity primary key,
    tenant_id uuid not null,
    type text not null,
    resource_id uuid not null,
    actor_id uuid,
    occurred_at timestamptz(3) not null default now(),
    data jsonb not null
  )`.execute(db)
  await sql`create table events (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id bigint not null,
    type text not null,
    resource_id uuid not null,
    actor_id uuid,
    occurred_at timestamptz(3) not null default now(),
    data jsonb not null,
    primary key (tenant_id, id)
  )`.execute(db)
  // The purge deletes by age across tenants. BRIN: rows arrive in time order, and a BRIN index
  // costs next to nothing per insert (a B-tree here was a third of an event's index work).
  await sql`create index events_occurred_at_idx on events using brin (occurred_at)`.execute(db)

  await sql`
    create function api_timestamp(value timestamptz) returns text language sql immutable parallel safe as $$
      select to_char(value at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    $$`.execute(db)
  await sql`
    create function product_event_data(p products) returns jsonb language sql stable parallel safe as $$
      select jsonb_build_object(
        'id', p.id, 'name', p.name, 'description', p.description, 'price_cents', p.price_cents,
        'currency', p.currency, 'stock', p.stock, 'category', p.category, 'subcategory', p.subcategory,
        'sku', p.sku, 'created_by', p.created_by, 'created_at', api_timestamp(p.created_at),
        'updated_at', api_timestamp(p.updated_at))
    $$`.execute(db)

  await sql`create table stream_tickets (
    hash text primary key,
    tenant_id uuid not null references tenants (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    session_id uuid not null,
    role text not null,
    membership_version bigint not null,
    -- the access token it was issued with: a stream opened with it ends then, as one opened with the token would
    access_expires_at timestamptz(3) not null,
    expires_at timestamptz(3) not null
  )`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await sql`drop table stream_tickets`.execute(db)
  await sql`drop function product_event_data(products)`.execute(db)
  await sql`drop function api_timestamp(timestamptz)`.execute(db)
  await sql`drop table events`.execute(db)
  await sql`drop table event_inbox`.execute(db)
  await sql`drop table event_counters`.execute(db)
}
