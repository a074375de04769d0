import { sql, type Kysely } from 'kysely'

const versionedTables = ['products', 'locations', 'tasks'] as const

/**
 * 1. Tasks list NULL due dates last in both directions. The (tenant_id, due_date, id) index serves
 *    `due_date asc nulls last`, but read backwards it gives `desc nulls first`; this index serves
 *    `due_date desc nulls last, id desc`.
 * 2. `version` is the strong ETag, so every change to a row must bump it. The API's own updates do;
 *    foreign-key actions do not (removing a member sets tasks.assignee_id to NULL, deleting a user
 *    sets created_by to NULL). This trigger bumps version and updated_at on any update that left
 *    version as it was.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await sql`create index tasks_tenant_due_desc_idx on tasks (tenant_id, due_date desc nulls last, id desc)`.execute(db)
  await sql`create function bump_row_version() returns trigger language plpgsql as $$
    begin
      new.version := old.version + 1;
      new.updated_at := now();
      return new;
    end
  $$`.execute(db)
  for (const table of versionedTables) {
    await sql`create trigger ${sql.id(`${table}_bump_version`)} before update on ${sql.table(table)}
      for each row when (new.version = old.version) execute function bump_row_version()`.execute(db)
  }
}

export async function down (db: Kysely<unknown>): Promise<void> {
  for (const table of versionedTables) {
    await sql`drop trigger ${sql.id(`${table}_bump_version`)} on ${sql.table(table)}`.execute(db)
  }
  await sql`drop function bump_row_version()`.execute(db)
  await sql`drop index tasks_tenant_due_desc_idx`.execute(db)
}
