import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Timestamp } from './columns.js'

export interface ProductsTable {
  id: string
  tenant_id: string
  name: string
  description: string | null
  price_cents: number
  currency: string
  stock: number
  category: string
  subcategory: string | null
  sku: string | null
  created_by: string | null
  version: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type ProductRow = Selectable<ProductsTable>
export type NewProduct = Insertable<ProductsTable>
export type ProductUpdate = Updateable<ProductsTable>
