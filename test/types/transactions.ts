/**
 * Checked by `npm run typecheck`, never run: queries that take row locks, and the work of an
 * idempotent request, only accept a transaction. If one of them is widened to any handle, the
 * `@ts-expect-error` below it becomes unused and the typecheck fails.
 */
import type { Db, Trx } from '#db/schema/index.js'
import { lockOrder } from '#db/queries/orders.js'
import { lockOwners } from '#db/queries/memberships.js'
import { findRefreshTokenForUpdate } from '#db/queries/refresh-tokens.js'
import { adjustStock, lockProducts } from '#db/queries/stock.js'
import { claimKey } from '#db/queries/idempotency-keys.js'
import { tenantScope } from '#db/tenant-scope.js'

export async function outsideATransaction (db: Db): Promise<void> {
  const scope = tenantScope('00000000-0000-0000-0000-000000000000')
  // @ts-expect-error lockOrder needs a Transaction
  await lockOrder(db, scope, 'id')
  // @ts-expect-error lockOwners needs a Transaction
  await lockOwners(db, scope)
  // @ts-expect-error lockProducts needs a Transaction
  await lockProducts(db, scope, [])
  // @ts-expect-error adjustStock needs a Transaction (rows locked by lockProducts)
  await adjustStock(db, scope, [], -1)
  // @ts-expect-error findRefreshTokenForUpdate needs a Transaction
  await findRefreshTokenForUpdate(db, Buffer.alloc(0))
  // @ts-expect-error claimKey needs a Transaction
  await claimKey(db, scope, { key: 'k', userId: 'u', requestHash: 'h', ttlSeconds: 1 })
}

export async function insideATransaction (trx: Trx): Promise<void> {
  await lockOrder(trx, tenantScope('00000000-0000-0000-0000-000000000000'), 'id')
}
