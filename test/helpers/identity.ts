import { randomUUID } from 'node:crypto'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Session } from '#src/schemas/identity.js'

/** What register, login and refresh answer (the API's own Session type). */
export type TestSession = Session

export const PASSWORD = 'correct horse battery staple'

export function uniqueEmail (label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`
}

export function bearer (session: Pick<TestSession, 'access_token'>): { authorization: string } {
  return { authorization: `Bearer ${session.access_token}` }
}

/** Registers a new user with a tenant of their own, through the API. */
export async function registerUser (app: FastifyInstance, overrides: Partial<{ email: string, password: string, name: string, tenant_name: string }> = {}): Promise<TestSession> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: uniqueEmail(), password: PASSWORD, name: 'Test User', tenant_name: 'Test Tenant', ...overrides }
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json().data
}

export async function login (app: FastifyInstance, email: string, tenantId?: string): Promise<TestSession> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD, ...(tenantId !== undefined && { tenant_id: tenantId }) } })
  assert.equal(response.statusCode, 200, response.body)
  return response.json().data
}

/**
 * A tenant with an owner plus one admin, member and guest, each signed in to that tenant.
 */
export async function tenantWithRoles (app: FastifyInstance): Promise<Record<'owner' | 'admin' | 'member' | 'guest', TestSession>> {
  const owner = await registerUser(app, { tenant_name: 'Roles Tenant' })
  const sessions: Partial<Record<'owner' | 'admin' | 'member' | 'guest', TestSession>> = { owner }
  for (const role of ['admin', 'member', 'guest'] as const) {
    const other = await registerUser(app, { email: uniqueEmail(role) })
    const added = await app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/members`, headers: bearer(owner), payload: { email: other.user.email, role } })
    assert.equal(added.statusCode, 201, added.body)
    sessions[role] = await login(app, other.user.email, owner.tenant.id)
  }
  return sessions as Record<'owner' | 'admin' | 'member' | 'guest', TestSession>
}
