import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { bearer, type TestSession } from './identity.js'

export interface OrderLine {
  product_id: string
  quantity: number
}

export function ordersUrl (session: TestSession, locationId?: string): string {
  const tenant = `/api/v1/tenants/${session.tenant.id}`
  return locationId === undefined ? `${tenant}/orders` : `${tenant}/locations/${locationId}/orders`
}

/** POST .../locations/{location_id}/orders with any payload (valid or not). */
export async function placeOrder (app: FastifyInstance, session: TestSession, locationId: string, payload: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'POST', url: ordersUrl(session, locationId), headers: { ...bearer(session), ...headers }, payload: payload as object })
}

export async function orderAction (app: FastifyInstance, session: TestSession, orderId: string, action: 'void' | 'pay', payload?: object, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return await app.inject({
    method: 'POST',
    url: `${ordersUrl(session)}/${orderId}/${action}`,
    headers: { ...bearer(session), ...headers },
    ...(payload !== undefined && { payload })
  })
}

/** How many orders and order lines the tenant has, straight from the tables. */
export async function orderCounts (app: FastifyInstance, tenantId: string): Promise<{ orders: number, items: number, quantity: number }> {
  const orders = await app.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
  const items = await app.db.selectFrom('order_items')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('quantity'), eb.lit(0)).as('quantity')])
    .where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
  return { orders: orders.n, items: items.n, quantity: Number(items.quantity) }
}
