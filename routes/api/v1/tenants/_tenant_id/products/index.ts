import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { etagOf, ifMatchVersions, notModified } from '#src/http/conditional.js'
import { codes } from '#src/errors/index.js'
import { withHeaders } from '#src/schemas/response-headers.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { IfMatchHeaders, IfNoneMatchHeaders, NoContent, NotModified, resourceParams, TenantParams } from '#src/schemas/params.js'
import { CreateProductBody, ProductListQuery, ProductListResponse, ProductResponse, UpdateProductBody } from '#src/schemas/products.js'
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from '#src/services/products.js'

const tags = ['products']
const ProductParams = resourceParams('product_id')

const products: FastifyPluginAsyncTypebox = async (app) => {
  const { read, write } = app.responseCache

  app.get('', {
    ...read,
    schema: {
      operationId: 'listProducts',
      summary: 'Products of the tenant, filtered, sorted and paginated',
      description: 'Filter by category, subcategory, price range, stock and a name search; sort by name, price, stock or creation time; pages of up to 100 with the total.',
      tags,
      params: TenantParams,
      querystring: ProductListQuery,
      response: { 200: ref(ProductListResponse), ...errorResponses(...TENANT_ERRORS) }
    }
  }, async (request) => {
    const page = await listProducts(app.db, request.auth, request.query)
    return { data: page.items, meta: page.meta, error: null }
  })

  app.post('', {
    ...write,
    schema: {
      operationId: 'createProduct',
      summary: 'Create a product (members and above)',
      description: 'Creates a product; the currency defaults to the tenant\'s. A SKU, when given, is unique in the tenant (409 SKU_TAKEN). Members and above.',
      tags,
      params: TenantParams,
      body: ref(CreateProductBody),
      response: { 201: withHeaders(ref(ProductResponse), 'Location', 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.SKU_TAKEN, codes.TENANT_NOT_FOUND) }
    }
  }, async (request, reply) => {
    const product = await createProduct(app.db, request.auth, request.body)
    reply.code(201)
      .header('location', `/api/v1/tenants/${request.params.tenant_id}/products/${product.id}`)
      .header('etag', etagOf(product.version))
    return { data: product, error: null }
  })

  app.get('/:product_id', {
    ...read,
    schema: {
      operationId: 'getProduct',
      summary: 'One product, with a strong ETag',
      description: 'One product. Send its ETag as If-None-Match to get 304 when it has not changed.',
      tags,
      params: ProductParams,
      headers: IfNoneMatchHeaders,
      response: { 200: withHeaders(ref(ProductResponse), 'ETag'), 304: withHeaders(NotModified, 'ETag'), ...errorResponses(...TENANT_ERRORS, codes.PRODUCT_NOT_FOUND) }
    }
  }, async (request, reply) => {
    const product = await getProduct(app.db, request.auth, request.params.product_id)
    if (notModified(request, reply, product.version)) return reply.send()
    return { data: product, error: null }
  })

  app.patch('/:product_id', {
    ...write,
    schema: {
      operationId: 'updateProduct',
      summary: 'Change some fields of a product (its creator, or an admin)',
      description: 'Changes the fields sent and keeps the others. With If-Match, only if the product is still at that version (else 412). Its creator, or an admin.',
      tags,
      params: ProductParams,
      headers: IfMatchHeaders,
      body: ref(UpdateProductBody),
      response: { 200: withHeaders(ref(ProductResponse), 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.PRODUCT_NOT_FOUND, codes.SKU_TAKEN, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    const product = await updateProduct(app.db, request.auth, request.params.product_id, request.body, ifMatchVersions(request))
    reply.header('etag', etagOf(product.version))
    return { data: product, error: null }
  })

  app.delete('/:product_id', {
    ...write,
    schema: {
      operationId: 'deleteProduct',
      summary: 'Delete a product (its creator, or an admin)',
      description: 'Deletes a product no order refers to; one that was sold answers 409 PRODUCT_IN_USE. With If-Match, only at that version.',
      tags,
      params: ProductParams,
      headers: IfMatchHeaders,
      response: { 204: NoContent, ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN, codes.PRODUCT_NOT_FOUND, codes.PRODUCT_IN_USE, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    await deleteProduct(app.db, request.auth, request.params.product_id, ifMatchVersions(request))
    return await reply.code(204).send(null)
  })
}

export default products
