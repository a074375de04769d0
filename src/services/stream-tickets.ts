import { createHash, randomBytes } from 'node:crypto'
import { insertStreamTicket, redeemStreamTicket } from '#db/queries/stream-tickets.js'
import type { Db } from '#db/schema/index.js'
import { scopeOf, type AuthContext } from './auth-context.js'

/** A ticket opens one stream within a minute of being issued, and only once. */
export const STREAM_TICKET_TTL_SECONDS = 60

const hashOf = (ticket: string): string => createHash('sha256').update(ticket).digest('hex')

/**
 * For EventSource, which cannot send an Authorization header, and must not carry the access token
 * in its URL (URLs end up in logs and histories): a random single-use ticket standing for the
 * caller, stored as its SHA-256, that ends with the access token it was issued with.
 */
export async function issueStreamTicket (db: Db, auth: AuthContext, accessExpiresAt: Date): Promise<{ ticket: string, expires_at: string }> {
  const ticket = `evt_${randomBytes(32).toString('base64url')}`
  const expiresAt = new Date(Math.min(Date.now() + STREAM_TICKET_TTL_SECONDS * 1000, accessExpiresAt.getTime()))
  await insertStreamTicket(db, scopeOf(auth), {
    hash: hashOf(ticket),
    user_id: auth.userId,
    session_id: auth.sessionId,
    role: auth.role,
    membership_version: auth.membershipVersion,
    access_expires_at: accessExpiresAt.toISOString(),
    expires_at: expiresAt.toISOString()
  })
  return { ticket, expires_at: expiresAt.toISOString() }
}

/** The caller a ticket stands for and when its access ends, or undefined (unknown, used or expired). */
export async function redeemTicket (db: Db, ticket: string): Promise<{ auth: AuthContext, accessExpiresAt: number } | undefined> {
  if (ticket.length > 100) return undefined
  const row = await redeemStreamTicket(db, hashOf(ticket))
  if (row === undefined) return undefined
  const auth: AuthContext = Object.freeze({ userId: row.user_id, tenantId: row.tenant_id, role: row.role, sessionId: row.session_id, membershipVersion: Number(row.membership_version) })
  return { auth, accessExpiresAt: Date.parse(row.access_expires_at) }
}
