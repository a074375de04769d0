import type { Db, Role, StreamTicketsTable } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'

export type StreamTicket = Omit<StreamTicketsTable, 'hash' | 'role'> & { role: Role }

export async function insertStreamTicket (db: Db, scope: TenantScope, ticket: Omit<StreamTicketsTable, 'tenant_id'>): Promise<void> {
  await db.insertInto('stream_tickets').values({ ...ticket, tenant_id: scope.tenantId }).execute()
}

/** Uses the ticket up: deleted whether or not it is still valid, returned only if it is. */
export async function redeemStreamTicket (db: Db, hash: string): Promise<StreamTicket | undefined> {
  const row = await db.deleteFrom('stream_tickets').where('hash', '=', hash)
    .returning(['tenant_id', 'user_id', 'session_id', 'role', 'membership_version', 'access_expires_at', 'expires_at'])
    .executeTakeFirst()
  if (row === undefined || Date.parse(row.expires_at) <= Date.now()) return undefined
  return row as StreamTicket
}

export async function deleteExpiredStreamTickets (db: Db, limit: number): Promise<number> {
  const result = await db.deleteFrom('stream_tickets')
    .where('hash', 'in', (qb) => qb.selectFrom('stream_tickets').select('hash').where('expires_at', '<', new Date().toISOString()).limit(limit))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
