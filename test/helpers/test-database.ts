/**
 * A database of its own for a test file, on the server `npm test` provides through
 * TEST_ADMIN_DATABASE_URL (the embedded PostgreSQL, or DATABASE_URL when that is set).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export interface CreatedTestDatabase {
  /** The admin URL with the new database's name. */
  url: string
  /** Disconnects whoever is still connected and drops the database. Idempotent. */
  drop(): Promise<void>
}

export async function createTestDatabase (): Promise<CreatedTestDatabase> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL
  if (adminUrl === undefined || adminUrl === '') {
    throw new Error('TEST_ADMIN_DATABASE_URL is not set: run tests with `npm test`, which provides a PostgreSQL server for them.')
  }
  let url: URL
  try {
    url = new URL(adminUrl)
  } catch {
    throw new Error('TEST_ADMIN_DATABASE_URL is not a valid postgres:// URL.')
  }

  const name = `test_${randomBytes(8).toString('hex')}`
  const quoted = pg.escapeIdentifier(name)
  await withAdmin(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${quoted}`)
  })

  url.pathname = `/${name}`
  let dropping: Promise<void> | undefined
  return {
    url: url.toString(),
    drop: () => (dropping ??= withAdmin(adminUrl, async (client) => {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])
      // WITH (FORCE) also covers connections opened after the query above (PostgreSQL 13+).
      await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`)
    }))
  }
}

async function withAdmin (adminUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'test-support' })
  // A server-side disconnect while idle must not crash the test process.
  client.on('error', () => {})
  await client.connect()
  try {
    await work(client)
  } finally {
    await client.end()
  }
}
