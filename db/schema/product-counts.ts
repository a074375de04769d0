/**
 * Each tenant's product total, spread over up to 16 slots (rows) that are summed on read, so
 * concurrent inserts do not queue on one row. Kept by the statements that insert and delete
 * products (db/queries/product-inserts.ts, products.ts); see migration 2026120101.
 */
export interface ProductCountsTable {
  tenant_id: string
  slot: number
  total: number
}
