import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Location } from '#src/schemas/locations.js'
import type { Product } from '#src/schemas/products.js'
import { bearer, type TestSession } from './identity.js'

export type { Location, Product }

let counter = 0

/** Creates a product in the session's tenant through the API (members and above). */
export async function createProduct (app: FastifyInstance, session: TestSession, fields: Partial<{ name: string, price_cents: number, stock: number, currency: string }> = {}): Promise<Product> {
  counter += 1
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${session.tenant.id}/products`,
    headers: bearer(session),
    payload: { name: `Product ${counter}`, price_cents: 250, stock: 10, category: 'test', ...fields }
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json().data
}

/** Creates a location in the session's tenant through the API (members and above). */
export async function createLocation (app: FastifyInstance, session: TestSession, fields: Partial<{ name: string, active: boolean }> = {}): Promise<Location> {
  counter += 1
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${session.tenant.id}/locations`,
    headers: bearer(session),
    payload: { name: `Store ${counter}`, timezone: 'Europe/Berlin', ...fields }
  })
  assert.equal(response.statusCode, 201, response.body)
  return response.json().data
}

/** The current stock of products, by id (read straight from the table). */
export async function stockOf (app: FastifyInstance, ...ids: string[]): Promise<Record<string, number>> {
  const rows = await app.db.selectFrom('products').select(['id', 'stock']).where('id', 'in', ids).execute()
  return Object.fromEntries(rows.map((row) => [row.id, row.stock]))
}
