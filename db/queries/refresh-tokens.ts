import { sql } from 'kysely'
import type { Db, NewRefreshToken, RefreshTokenRow, Trx } from '../schema/index.js'

export async function insertRefreshToken (db: Db, token: NewRefreshToken): Promise<void> {
  await db.insertInto('refresh_tokens').values(token).execute()
}

/**
 * Serialises everything that creates or revokes a user's refresh tokens (rotation, logout,
 * logout-all, a password change) on one transaction-scoped advisory lock per user. Without it a
 * revocation could wait on the row a refresh had locked, skip it as already rotated, and never
 * see the token that refresh was inserting: the session went on.
 */
export async function lockSessionsOf (db: Trx, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`sessions:${userId}`}, 0))`.execute(db)
}

/** Finds a token by its hash and locks it, so two concurrent rotations of one token serialize. */
export async function findRefreshTokenForUpdate (db: Trx, tokenHash: Buffer): Promise<RefreshTokenRow | undefined> {
  return await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst()
}

export async function findRefreshToken (db: Db, tokenHash: Buffer): Promise<RefreshTokenRow | undefined> {
  return await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

export async function markRotated (db: Db, id: string, replacedBy: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: sql<string>`now()`, replaced_by: replacedBy }).where('id', '=', id).execute()
}

export async function revokeFamily (db: Db, familyId: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: sql<string>`now()` })
    .where('family_id', '=', familyId).where('revoked_at', 'is', null).execute()
}

/** Revokes every session of a user, or every one but `exceptFamily` (the caller's own). */
export async function revokeUserSessions (db: Db, userId: string, exceptFamily?: string): Promise<void> {
  let query = db.updateTable('refresh_tokens').set({ revoked_at: sql<string>`now()` })
    .where('user_id', '=', userId).where('revoked_at', 'is', null)
  if (exceptFamily !== undefined) query = query.where('family_id', '!=', exceptFamily)
  await query.execute()
}

/** Sessions (families) ended within the last `seconds`, with when: their access tokens may still be unexpired. */
export async function recentlyEndedSessions (db: Db, seconds: number): Promise<Array<{ family_id: string, revoked_at: string }>> {
  return await db.selectFrom('refresh_tokens').select(['family_id', 'revoked_at'])
    .where('replaced_by', 'is', null).where('revoked_at', '>', sql<string>`now() - make_interval(secs => ${seconds})`)
    .$narrowType<{ revoked_at: string }>()
    .execute()
}
