/** Per-tenant product total, maintained by triggers on products (see migration 2026112107). */
export interface ProductCountsTable {
  tenant_id: string
  total: number
}
