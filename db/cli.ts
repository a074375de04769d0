/**
 * npm run db:migrate | db:rollback | db:status — against DATABASE_URL, or the embedded database
 * when it is unset (started for the command and stopped after).
 */
import { loadConfig } from '#src/config.js'
import { createDatabase } from './database.js'
import { startEmbeddedPostgres } from './embedded/index.js'
import { createMigrator, unwrapMigrationResult } from './migrator.js'

const command = process.argv[2]
if (command !== 'migrate' && command !== 'rollback' && command !== 'status') {
  process.stderr.write('usage: db/cli.ts migrate|rollback|status\n')
  process.exit(2)
}

const { config } = loadConfig()
const embedded = config.DATABASE_URL === undefined ? await startEmbeddedPostgres({ dataDir: config.EMBEDDED_DB_DIR }) : undefined
const { db } = createDatabase({
  url: config.DATABASE_URL ?? embedded!.url,
  poolMax: 1,
  statementTimeoutMs: 0,
  connectionTimeoutMs: config.DB_CONNECTION_TIMEOUT_MS
})
const migrator = createMigrator(db)

try {
  if (command === 'status') {
    for (const migration of await migrator.getMigrations()) {
      process.stdout.write(`${migration.executedAt === undefined ? 'pending ' : 'applied '} ${migration.name}\n`)
    }
  } else {
    const result = command === 'migrate' ? await migrator.migrateToLatest() : await migrator.migrateDown()
    const names = unwrapMigrationResult(result)
    const verb = command === 'migrate' ? 'applied' : 'rolled back'
    process.stdout.write(names.length === 0 ? 'nothing to do\n' : names.map((name) => `${verb} ${name}\n`).join(''))
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
} finally {
  await db.destroy()
  await embedded?.stop()
}
