import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, type Kysely, type MigrationResultSet } from 'kysely'

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

export function createMigrator<DB> (db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
}

export class MigrationError extends Error {}

/** Throws a MigrationError naming the failed migration; returns the names it applied. */
export function unwrapMigrationResult ({ error, results = [] }: MigrationResultSet): string[] {
  const failed = results.find((result) => result.status === 'Error')
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new MigrationError(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`.replace('  ', ' '))
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName)
}

export async function migrateToLatest<DB> (db: Kysely<DB>): Promise<string[]> {
  return unwrapMigrationResult(await createMigrator(db).migrateToLatest())
}
