import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { etagOf, ifMatchVersions, notModified } from '#src/http/conditional.js'
import { errorResponses, ref } from '#src/schemas/index.js'
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
      tags,
      params: TenantParams,
      querystring: ProductListQuery,
      response: { 200: ref(ProductListResponse), ...errorResponses(401, 403, 422, 429) }
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
      tags,
      params: TenantParams,
      body: ref(CreateProductBody),
      response: { 201: ref(ProductResponse), ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429) }
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
      tags,
      params: ProductParams,
      headers: IfNoneMatchHeaders,
      response: { 200: ref(ProductResponse), 304: NotModified, ...errorResponses(401, 403, 404, 422, 429) }
    }
  }, async (request, reply) => {
    const product = await getProduct(app.db, request.auth, request.params.product_id)
    if (notModified(request, reply, product.version)) return null
    return { data: product, error: null }
  })

  app.patch('/:product_id', {
    ...write,
    schema: {
      operationId: 'updateProduct',
      summary: 'Change some fields of a product (its creator, or an admin)',
      tags,
      params: ProductParams,
      headers: IfMatchHeaders,
      body: ref(UpdateProductBody),
      response: { 200: ref(ProductResponse), ...errorResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 429) }
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
      tags,
      params: ProductParams,
      headers: IfMatchHeaders,
      response: { 204: NoContent, ...errorResponses(401, 403, 404, 409, 412, 422, 429) }
    }
  }, async (request, reply) => {
    await deleteProduct(app.db, request.auth, request.params.product_id, ifMatchVersions(request))
    return await reply.code(204).send(null)
  })
}

export default products
