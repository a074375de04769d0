import { sql } from 'kysely'
import type { Db, NewUser, UserRow } from '../schema/index.js'

/** The columns of a user that may leave the database layer (never the password hash). */
export const publicUserColumns = ['users.id', 'users.email', 'users.name', 'users.created_at', 'users.updated_at'] as const
export type PublicUser = Omit<UserRow, 'password_hash'>

export async function insertUser (db: Db, user: NewUser): Promise<PublicUser> {
  return await db.insertInto('users').values(user).returning(publicUserColumns).executeTakeFirstOrThrow()
}

export async function findUserById (db: Db, id: string): Promise<PublicUser | undefined> {
  return await db.selectFrom('users').select(publicUserColumns).where('id', '=', id).executeTakeFirst()
}

export async function findUserByEmail (db: Db, email: string): Promise<PublicUser | undefined> {
  return await db.selectFrom('users').select(publicUserColumns).where('email', '=', email).executeTakeFirst()
}

/** The only read of a password hash, for the password check itself. */
export async function findCredentialsByEmail (db: Db, email: string): Promise<{ id: string, password_hash: string } | undefined> {
  return await db.selectFrom('users').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst()
}

export async function findPasswordHash (db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst()
  return row?.password_hash
}

export async function updateUser (db: Db, id: string, changes: { name?: string, password_hash?: string }): Promise<PublicUser | undefined> {
  return await db.updateTable('users')
    .set({ ...changes, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .returning(publicUserColumns)
    .executeTakeFirst()
}
