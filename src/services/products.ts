import { insertProduct } from '#db/queries/product-inserts.js'
import { countProducts, deleteProduct as deleteProductRow, findProduct, findProducts, findProductWriteTarget, listProducts as listProductRows, updateProduct as updateProductRow } from '#db/queries/products.js'
import type { Db } from '#db/schema/index.js'
import { uuidv7 } from '#db/ids.js'
import { constraints, isForeignKeyViolation, isUniqueViolation } from '#db/postgres-errors.js'
import { errors } from '../errors/index.js'
import type { CreateProductBody, Product, ProductListQuery, UpdateProductBody } from '../schemas/products.js'
import { requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { pageOf, pageWindow, parseSort, type Page } from './pagination.js'
import { recordChanges, type Change } from './events.js'
import { rejectedWrite, writeGuardFor } from './writes.js'

/** A product as stored: the API shape plus the version its ETag is made from. */
export type ProductRecord = Product & { version: number }

function skuTaken (error: unknown): never {
  if (isUniqueViolation(error, constraints.productsTenantSku)) throw errors.SKU_TAKEN()
  throw error
}

export async function createProduct (db: Db, auth: AuthContext, input: CreateProductBody): Promise<ProductRecord> {
  requireRole(auth, 'member')
  const outcome = await insertProduct(db, scopeOf(auth), {
    id: uuidv7(),
    name: input.name,
    description: input.description ?? null,
    price_cents: input.price_cents,
    // Null takes the tenant's currency, in the same statement.
    currency: input.currency ?? null,
    stock: input.stock,
    category: input.category,
    subcategory: input.subcategory ?? null,
    sku: input.sku ?? null,
    created_by: auth.userId
  })
  if ('inserted' in outcome) return outcome.inserted
  throw outcome.rejected === 'sku_taken' ? errors.SKU_TAKEN() : errors.TENANT_NOT_FOUND()
}

export async function getProduct (db: Db, auth: AuthContext, id: string): Promise<ProductRecord> {
  const product = await findProduct(db, scopeOf(auth), id)
  if (product === undefined) throw errors.PRODUCT_NOT_FOUND()
  return product
}

/** Several of the tenant's products, by id; ids it does not have are absent. */
export async function productsByIds (db: Db, auth: AuthContext, ids: readonly string[]): Promise<Map<string, ProductRecord>> {
  const rows = await findProducts(db, scopeOf(auth), [...new Set(ids)])
  return new Map(rows.map((row) => [row.id, row]))
}

export async function listProducts (db: Db, auth: AuthContext, query: ProductListQuery): Promise<Page<ProductRecord>> {
  const scope = scopeOf(auth)
  const { page, page_size: pageSize, sort, ...filters } = query
  const request = { page, page_size: pageSize }
  const rows = await listProductRows(db, scope, filters, parseSort(sort, '-created_at'), pageWindow(request))
  // Each row carries the total of the whole list; a page past the end has none to carry it.
  const total = rows[0]?.total ?? await countProducts(db, scope, filters)
  return pageOf(rows, Number(total), request)
}

/** Partial update: absent keys stay as they are, null clears a nullable field. */
export async function updateProduct (db: Db, auth: AuthContext, id: string, changes: UpdateProductBody, versions?: number[]): Promise<ProductRecord> {
  const guard = writeGuardFor(auth, versions)
  const scope = scopeOf(auth)
  const updated = await db.transaction().execute(async (trx) => {
    const row = await updateProductRow(trx, scope, id, changes, guard).catch(skuTaken)
    if (row === undefined) return undefined
    const recorded: Change[] = [{ type: 'product.updated', resource: row }]
    if (changes.stock !== undefined) recorded.push({ type: 'product.stock_changed', resource: row })
    await recordChanges(trx, auth, recorded)
    return row
  })
  if (updated !== undefined) return updated
  throw rejectedWrite(errors.PRODUCT_NOT_FOUND, await findProductWriteTarget(db, scope, id), auth, versions)
}

export async function deleteProduct (db: Db, auth: AuthContext, id: string, versions?: number[]): Promise<void> {
  const guard = writeGuardFor(auth, versions)
  const scope = scopeOf(auth)
  const deleted = await db.transaction().execute(async (trx) => {
    const gone = await deleteProductRow(trx, scope, id, guard).catch((error: unknown) => {
      if (isForeignKeyViolation(error, constraints.orderItemsProduct)) throw errors.PRODUCT_IN_USE()
      throw error
    })
    if (gone) await recordChanges(trx, auth, [{ type: 'product.deleted', resource: { id } }])
    return gone
  })
  if (!deleted) throw rejectedWrite(errors.PRODUCT_NOT_FOUND, await findProductWriteTarget(db, scope, id), auth, versions)
}
