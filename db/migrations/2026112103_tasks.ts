import { sql, type Kysely } from 'kysely'

/** Tasks for staff. assignee_id references the membership, so an assignee is always a member of the tenant. */
export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('tasks')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'in_progress', 'completed')`))
    .addColumn('priority', 'text', (col) => col.notNull().check(sql`priority in ('low', 'medium', 'high')`))
    // Sorts high > medium > low without a CASE expression in every ORDER BY.
    .addColumn('priority_rank', 'smallint', (col) => col.notNull().generatedAlwaysAs(sql`case priority when 'low' then 1 when 'medium' then 2 else 3 end`).stored())
    .addColumn('due_date', sql`timestamptz(3)`)
    .addColumn('assignee_id', 'uuid')
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  // Removing a member unassigns their tasks (PostgreSQL 15+: SET NULL on one column of the key).
  await sql`alter table tasks add constraint tasks_assignee_membership_fkey foreign key (tenant_id, assignee_id)
    references memberships (tenant_id, user_id) on delete set null (assignee_id)`.execute(db)
  await sql`create index tasks_tenant_created_idx on tasks (tenant_id, created_at, id)`.execute(db)
  await sql`create index tasks_tenant_status_idx on tasks (tenant_id, status, created_at, id)`.execute(db)
  await sql`create index tasks_tenant_priority_idx on tasks (tenant_id, priority_rank, id)`.execute(db)
  await sql`create index tasks_tenant_due_idx on tasks (tenant_id, due_date, id)`.execute(db)
  await sql`create index tasks_tenant_assignee_idx on tasks (tenant_id, assignee_id, due_date, id)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tasks').execute()
}
