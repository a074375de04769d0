import { randomBytes, randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { uuidv7 } from '#db/ids.js'

/** REDIS_URL of the test run (CI sets it); tests that need Redis are skipped without it. */
export const redisUrl = process.env.REDIS_URL === '' ? undefined : process.env.REDIS_URL

/**
 * A suite that needs Redis. Without REDIS_URL it becomes one skipped test of the same name: node's
 * runner leaves skipped suites out of its "skipped" count, so a summary would hide them.
 */
export function describeWithRedis (name: string, suite: () => void): void {
  if (redisUrl === undefined) test(name, { skip: 'REDIS_URL is not set' }, () => {})
  else describe(name, suite)
}

/**
 * The Redis store when the run has one (with a key prefix of its own, so parallel runs and apps
 * never share budgets), else nothing: the in-memory store.
 */
export function storeEnv (prefix = uniquePrefix()): Record<string, string> {
  return redisUrl === undefined ? {} : { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix }
}

export function uniquePrefix (): string {
  return `test-${randomBytes(6).toString('hex')}:`
}

let lastClient = 0
/** A client address (in 100.64.0.0/10) that no other test in this process uses. */
export function uniqueIp (): string {
  lastClient++
  return `100.${64 + ((lastClient >> 16) & 63)}.${(lastClient >> 8) & 255}.${lastClient & 255}`
}

/** A tenant row, optionally with its own plan, straight in the database (no sign-up needed). */
export async function insertTenant (app: FastifyInstance, ratePerMinute: number | null = null): Promise<string> {
  const id = uuidv7()
  await app.db.insertInto('tenants').values({ id, name: 'Rate Tenant', rate_limit_per_minute: ratePerMinute }).execute()
  return id
}

/**
 * An access token for a new owner of the tenant: the user and the membership are inserted
 * straight in the database (no sign-up or argon2 needed), because every token is checked against
 * its current membership.
 */
export async function tokenFor (app: FastifyInstance, tenantId: string, userId = randomUUID()): Promise<{ authorization: string }> {
  await app.db.insertInto('users').values({ id: userId, email: `${userId}@example.com`, name: 'Rate User', password_hash: 'not-a-hash' }).onConflict((oc) => oc.doNothing()).execute()
  const { version } = await app.db.insertInto('memberships').values({ tenant_id: tenantId, user_id: userId, role: 'owner' })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ role: 'owner' })).returning('version').executeTakeFirstOrThrow()
  return { authorization: `Bearer ${app.accessTokens.sign({ sub: userId, tenant_id: tenantId, role: 'owner', sid: randomUUID(), mv: version })}` }
}
