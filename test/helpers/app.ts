import { after, before } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppConfig } from '#src/app.js'
import { loadConfig } from '#src/config.js'
import { createDatabase } from '#db/database.js'
import { migrateToLatest } from '#db/migrator.js'
import { holdToContract } from './contract.js'
import { createTestDatabase } from './test-database.js'

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long'

/**
 * Every injected request comes from 127.0.0.1, so a test file's sign-ups would share one anonymous
 * budget: tests get roomy IP and credential limits unless they set their own. Test processes also
 * block their event loop (booting apps, compiling TypeScript) on a busy machine, which would trip
 * load shedding: it is off unless a test turns it on.
 */
const testDefaults = {
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
  RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
  LOAD_MAX_EVENT_LOOP_DELAY_MS: '0'
}

/** Configuration for an app under test: quiet, a fixed secret, and the given overrides. */
export function testConfig (databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  const { config } = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_JWT_SECRET, ...testDefaults, ...overrides })
  return { ...config, DATABASE_URL: databaseUrl }
}

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

/**
 * A migrated database of its own for one test file, dropped when the file's tests end.
 * Call it in a top-level `before`, or through `buildTestApp`.
 */
export async function migratedDatabase (): Promise<TestDatabase> {
  const database = await createTestDatabase()
  const { db } = createDatabase({ url: database.url, poolMax: 1, statementTimeoutMs: 0, connectionTimeoutMs: 5000 })
  try {
    await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
  return database
}

export interface TestAppOptions {
  env?: Record<string, string>
  /** Add routes or hooks before the app is ready (e.g. a route that throws, for error tests). */
  configure?: (app: FastifyInstance) => void | Promise<void>
}

/** Boots the real app on the given database, every response held to openapi.json (./contract.ts). The caller closes it. */
export async function buildTestApp (database: TestDatabase, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(database.url, options.env), { logger: false })
  holdToContract(app)
  await options.configure?.(app)
  await app.ready()
  return app
}

export interface TestAppContext {
  readonly app: FastifyInstance
  readonly database: TestDatabase
}

/**
 * For the enclosing test file or describe block: a migrated database of its own and the app on
 * it, created before the first test and closed and dropped after the last.
 */
export function useTestApp (options: TestAppOptions = {}): TestAppContext {
  const context: { app?: FastifyInstance, database?: TestDatabase } = {}
  before(async () => {
    context.database = await migratedDatabase()
    context.app = await buildTestApp(context.database, options)
  })
  after(async () => {
    try {
      await context.app?.close()
    } finally {
      await context.database?.drop()
    }
  })
  return {
    get app () { return required(context.app) },
    get database () { return required(context.database) }
  }
}

function required<T> (value: T | undefined): T {
  if (value === undefined) throw new Error('the test app is not ready: use it inside a test')
  return value
}
