import { sql, type Kysely } from 'kysely'

/**
 * Revocation that takes effect at once, on every instance.
 *
 * - Each membership has a version from one sequence, new on every insert and role change, and
 *   access tokens carry the version they were issued for (`mv`): a removed or re-roled member's
 *   old tokens no longer match. A sequence rather than a counter, so a member removed and added
 *   again never gets an old version back.
 * - Changes are announced with NOTIFY on the channel `retail_ops_auth`, from triggers, in the
 *   writing transaction (so only on commit): a membership added, changed or removed, and a session
 *   (a refresh-token family) revoked. Every instance LISTENs and updates what it keeps in memory.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await sql`create sequence membership_versions`.execute(db)
  await sql`alter table memberships add column version bigint not null default nextval('membership_versions')`.execute(db)

  await sql`
    create function memberships_new_version() returns trigger language plpgsql as $$
    begin
      new.version := nextval('membership_versions');
      return new;
    end $$`.execute(db)
  await sql`create trigger memberships_role_version before update of role on memberships
    for each row when (new.role is distinct from old.role) execute function memberships_new_version()`.execute(db)

  await sql`
    create function memberships_announce() returns trigger language plpgsql as $$
    declare
      changed memberships := case when tg_op = 'DELETE' then old else new end;
    begin
      perform pg_notify('retail_ops_auth', json_build_object(
        'kind', 'membership', 'tenant_id', changed.tenant_id, 'user_id', changed.user_id,
        'version', case when tg_op = 'DELETE' then null else changed.version end)::text);
      return null;
    end $$`.execute(db)
  await sql`create trigger memberships_announce after insert or update or delete on memberships
    for each row execute function memberships_announce()`.execute(db)

  await sql`
    create function refresh_tokens_announce() returns trigger language plpgsql as $$
    begin
      perform pg_notify('retail_ops_auth', json_build_object('kind', 'session', 'session_id', new.family_id)::text);
      return null;
    end $$`.execute(db)
  // A family's live token revoked without a successor: the session ended (rotation sets replaced_by).
  await sql`create trigger refresh_tokens_announce after update of revoked_at on refresh_tokens
    for each row when (old.revoked_at is null and new.revoked_at is not null and new.replaced_by is null)
    execute function refresh_tokens_announce()`.execute(db)
  // For the sessions revoked within an access token's lifetime, read at start-up and on reconnect.
  await sql`create index refresh_tokens_revoked_idx on refresh_tokens (revoked_at) where replaced_by is null and revoked_at is not null`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await sql`drop index refresh_tokens_revoked_idx`.execute(db)
  await sql`drop trigger refresh_tokens_announce on refresh_tokens`.execute(db)
  await sql`drop function refresh_tokens_announce()`.execute(db)
  await sql`drop trigger memberships_announce on memberships`.execute(db)
  await sql`drop function memberships_announce()`.execute(db)
  await sql`drop trigger memberships_role_version on memberships`.execute(db)
  await sql`drop function memberships_new_version()`.execute(db)
  await sql`alter table memberships drop column version`.execute(db)
  await sql`drop sequence membership_versions`.execute(db)
}
