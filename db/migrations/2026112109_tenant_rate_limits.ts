import { sql, type Kysely } from 'kysely'

/** A tenant's request budget per minute (its plan); null: the RATE_LIMIT_TENANT_PER_MINUTE default. */
export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants')
    .addColumn('rate_limit_per_minute', 'integer', (col) => col.check(sql`rate_limit_per_minute > 0`))
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('rate_limit_per_minute').execute()
}
