import { Type, type Static } from 'typebox'
import { dataEnvelope, pageEnvelope } from './envelope.js'
import { CurrencyCode, MoneyCents, nullable, SearchTerm, Slug, Timestamp, Uuid } from './fields.js'
import { PageQuery } from './params.js'
import { ref } from './ref.js'

const Name = Type.String({ minLength: 1, maxLength: 200 })
const Description = Type.String({ maxLength: 2000 })
const Sku = Type.String({ minLength: 1, maxLength: 64, description: 'Unique per tenant when given.' })
/**
 * At most a billion units: far beyond any shop, and with room below PostgreSQL's integer limit for
 * what voids give back (an order takes at most 100 lines of 10,000), so restoring stock can never
 * overflow. Above it is 422.
 */
export const MAX_STOCK = 1_000_000_000
const Stock = Type.Integer({ minimum: 0, maximum: MAX_STOCK, description: 'Units in stock, 0 to 1,000,000,000.' })

export const Product = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: nullable(Type.String()),
  price_cents: Type.Integer(),
  currency: Type.String(),
  stock: Type.Integer(),
  category: Type.String(),
  subcategory: nullable(Type.String()),
  sku: nullable(Type.String()),
  created_by: nullable(Uuid),
  created_at: Timestamp,
  updated_at: Timestamp
}, { $id: 'Product', additionalProperties: false })
export type Product = Static<typeof Product>

export const CreateProductBody = Type.Object({
  name: Name,
  description: Type.Optional(nullable(Description)),
  price_cents: MoneyCents,
  currency: Type.Optional(CurrencyCode),
  stock: Stock,
  category: Slug,
  subcategory: Type.Optional(nullable(Slug)),
  sku: Type.Optional(nullable(Sku))
}, { $id: 'CreateProductRequest', additionalProperties: false, description: 'currency defaults to the tenant currency.' })
export type CreateProductBody = Static<typeof CreateProductBody>

export const UpdateProductBody = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(nullable(Description)),
  price_cents: Type.Optional(MoneyCents),
  currency: Type.Optional(CurrencyCode),
  stock: Type.Optional(Stock),
  category: Type.Optional(Slug),
  subcategory: Type.Optional(nullable(Slug)),
  sku: Type.Optional(nullable(Sku))
}, { $id: 'UpdateProductRequest', additionalProperties: false, minProperties: 1, description: 'Absent keys are left alone; null clears a nullable field.' })
export type UpdateProductBody = Static<typeof UpdateProductBody>

export const productSorts = ['name', '-name', 'price_cents', '-price_cents', 'created_at', '-created_at', 'stock', '-stock'] as const

export const ProductListQuery = Type.Object({
  category: Type.Optional(Slug),
  subcategory: Type.Optional(Slug),
  q: Type.Optional(SearchTerm),
  min_price: Type.Optional(MoneyCents),
  max_price: Type.Optional(MoneyCents),
  in_stock: Type.Optional(Type.Boolean({ description: 'true: stock > 0; false: stock = 0.' })),
  sort: Type.Optional(Type.Enum(productSorts, { description: 'A field, descending with a leading "-". Default -created_at.' })),
  ...PageQuery
}, { additionalProperties: false })
export type ProductListQuery = Static<typeof ProductListQuery>

export const ProductResponse = dataEnvelope('ProductResponse', ref(Product))
export const ProductListResponse = pageEnvelope('ProductListResponse', ref(Product))

export const productSchemas = [Product, CreateProductBody, UpdateProductBody, ProductResponse, ProductListResponse]
