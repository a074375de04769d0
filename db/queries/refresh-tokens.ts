import { sql } from 'kysely'
import type { Db, NewRefreshToken, RefreshTokenRow, Trx } from '../schema/index.js'

export async function insertRefreshToken (db: Db, token: NewRefreshToken): Promise<void> {
  await db.insertInto('refresh_tokens').values(token).execute()
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
