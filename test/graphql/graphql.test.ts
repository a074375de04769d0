import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { useTestApp } from '#test/helpers/app.js'
import { createProduct } from '#test/helpers/catalogue.js'
import { codesOf, graphql, type GraphqlBody } from '#test/helpers/graphql.js'
import { bearer, registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'

const PRODUCT_FIELDS = 'id name description price_cents currency stock category subcategory sku created_by created_at updated_at'

describe('GraphQL over HTTP', () => {
  const context = useTestApp()

  test('a product reads as on REST: the same fields, names and values', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const product = await createProduct(app, owner, { name: 'Za\'atar man\'oushe', price_cents: 350 })
    const rest = await app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/products/${product.id}`, headers: bearer(owner) })
    const { status, body } = await graphql(app, owner, `query ($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`, { id: product.id })
    assert.equal(status, 200)
    assert.equal(body.errors, undefined)
    assert.deepEqual(body.data, { product: rest.json().data })
  })

  test('products take REST\'s filters, sort and pages, with the total', async () => {
    const { app } = context
    const owner = await registerUser(app)
    for (const [name, price] of [['Tea', 100], ['Coffee', 300], ['Cocoa', 200]] as const) await createProduct(app, owner, { name, price_cents: price })
    const { body } = await graphql(app, owner, '{ products(min_price: 150, sort: "price_cents", page_size: 1) { items { name price_cents } meta { page page_size total total_pages } } }')
    assert.deepEqual(body.data, { products: { items: [{ name: 'Cocoa', price_cents: 200 }], meta: { page: 1, page_size: 1, total: 2, total_pages: 2 } } })
  })

  test('me, tenant, members, locations and tasks answer for the token\'s tenant', async () => {
    const { app } = context
    const owner = await registerUser(app, { tenant_name: 'Souk Tawileh' })
    await graphql(app, owner, 'mutation { createLocation(input: { name: "Hamra", timezone: "Asia/Beirut" }) { id } }')
    await graphql(app, owner, 'mutation { createTask(input: { title: "Count the till", priority: high }) { id } }')
    const { status, body } = await graphql(app, owner, `{
      me { user { id } role tenants { name role } }
      tenant { name }
      members { items { user_id role } meta { total } }
      locations { items { name timezone active } }
      tasks(priority: high) { items { title status priority } }
    }`)
    assert.equal(status, 200, JSON.stringify(body))
    assert.deepEqual(body.data, {
      me: { user: { id: owner.user.id }, role: 'owner', tenants: [{ name: 'Souk Tawileh', role: 'owner' }] },
      tenant: { name: 'Souk Tawileh' },
      members: { items: [{ user_id: owner.user.id, role: 'owner' }], meta: { total: 1 } },
      locations: { items: [{ name: 'Hamra', timezone: 'Asia/Beirut', active: true }] },
      tasks: { items: [{ title: 'Count the till', status: 'pending', priority: 'high' }] }
    })
  })

  test('mutations write through the services: created, updated, deleted, with the events REST records', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const created = await graphql(app, owner, 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id name currency stock } }',
      { input: { name: 'Labneh', price_cents: 450, stock: 12, category: 'dairy' } })
    const product = created.body.data?.createProduct as { id: string, currency: string }
    assert.equal(created.status, 200, JSON.stringify(created.body))
    assert.equal(product.currency, owner.tenant.currency)
    const updated = await graphql(app, owner, 'mutation ($id: ID!) { updateProduct(id: $id, input: { stock: 7, description: null }) { stock description } }', { id: product.id })
    assert.deepEqual(updated.body.data, { updateProduct: { stock: 7, description: null } })
    const deleted = await graphql(app, owner, 'mutation ($id: ID!) { deleteProduct(id: $id) }', { id: product.id })
    assert.deepEqual(deleted.body.data, { deleteProduct: product.id })
    const rest = await app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/products/${product.id}`, headers: bearer(owner) })
    assert.equal(rest.statusCode, 404)
    const { rows } = await sql<{ type: string }>`select type from event_inbox where tenant_id = ${owner.tenant.id}::uuid and resource_id = ${product.id}::uuid
      union all select type from events where tenant_id = ${owner.tenant.id}::uuid and resource_id = ${product.id}::uuid`.execute(app.db)
    assert.deepEqual(rows.map((row) => row.type).sort(), ['product.created', 'product.deleted', 'product.stock_changed', 'product.updated'])
  })

  test('bad input gets REST\'s INVALID_INPUT with the same field details, and nothing is written', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const { status, body } = await graphql(app, owner, 'mutation { createProduct(input: { name: "", price_cents: -1, stock: 1, category: "Not A Slug" }) { id } }')
    assert.equal(status, 422)
    assert.deepEqual(codesOf(body), ['INVALID_INPUT'])
    assert.deepEqual(body.errors?.[0]?.extensions.details?.map((detail) => detail.field).sort(), ['/category', '/name', '/price_cents'])
    const missing = await graphql(app, owner, 'mutation { createProduct(input: { name: "Tea" }) { id } }')
    assert.deepEqual(missing.body.errors?.[0]?.extensions.details?.map((detail) => detail.field).sort(), ['/category', '/price_cents', '/stock'])
    const badId = await graphql(app, owner, '{ product(id: "not-a-uuid") { id } }')
    assert.equal(badId.status, 422)
    assert.deepEqual(badId.body.errors?.[0]?.extensions.details?.map((detail) => detail.field), ['/id'])
    const list = await app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/products`, headers: bearer(owner) })
    assert.equal(list.json().meta.total, 0)
  })

  test('errors speak the client\'s language, the code unchanged', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const { body, headers } = await graphql(app, owner, '{ product(id: "00000000-0000-7000-8000-000000000000") { id } }', undefined, { 'accept-language': 'ar' })
    assert.deepEqual(codesOf(body), ['PRODUCT_NOT_FOUND'])
    assert.match(body.errors?.[0]?.message ?? '', /[\u0600-\u06FF]/)
    assert.equal(headers['content-language'], 'ar')
  })

  test('no token, a bad token: 401 with the REST code, before anything runs', async () => {
    const { app } = context
    const none = await graphql(app, null, '{ tenant { name } }')
    assert.equal(none.status, 401)
    assert.deepEqual(codesOf(none.body), ['UNAUTHORIZED'])
    assert.equal(none.body.data, null)
    const forged = await graphql(app, { access_token: 'not.a.token' }, '{ tenant { name } }')
    assert.equal(forged.status, 401)
    assert.deepEqual(codesOf(forged.body), ['UNAUTHORIZED'])
  })

  test('roles as on REST: a guest reads but cannot write', async () => {
    const { app } = context
    const { owner, guest, member } = await tenantWithRoles(app)
    const product = await createProduct(app, owner)
    const read = await graphql(app, guest, '{ products { meta { total } } }')
    assert.deepEqual(read.body.data, { products: { meta: { total: 1 } } })
    const write = await graphql(app, guest, 'mutation { createProduct(input: { name: "Tea", price_cents: 1, stock: 1, category: "tea" }) { id } }')
    assert.equal(write.status, 403)
    assert.deepEqual(codesOf(write.body), ['FORBIDDEN'])
    const othersProduct = await graphql(app, member, `mutation { updateProduct(id: "${product.id}", input: { stock: 0 }) { id } }`)
    assert.deepEqual(codesOf(othersProduct.body), ['FORBIDDEN'])
  })

  test('tenant isolation: another tenant\'s product is not found, and lists hold only the token\'s tenant', async () => {
    const { app } = context
    const mine = await registerUser(app)
    const theirs = await registerUser(app)
    const product = await createProduct(app, theirs)
    const read = await graphql(app, mine, `{ product(id: "${product.id}") { id } }`)
    assert.equal(read.status, 404)
    assert.deepEqual(codesOf(read.body), ['PRODUCT_NOT_FOUND'])
    const write = await graphql(app, mine, `mutation { deleteProduct(id: "${product.id}") }`)
    assert.deepEqual(codesOf(write.body), ['PRODUCT_NOT_FOUND'])
    const list = await graphql(app, mine, '{ products { meta { total } } }')
    assert.deepEqual(list.body.data, { products: { meta: { total: 0 } } })
  })

  test('a write through GraphQL invalidates the response cache REST reads from', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const product = await createProduct(app, owner, { stock: 44 })
    const url = `/api/v1/tenants/${owner.tenant.id}/products/${product.id}`
    await app.inject({ url, headers: bearer(owner) })
    assert.equal((await app.inject({ url, headers: bearer(owner) })).headers['x-cache'], 'HIT')
    await graphql(app, owner, `mutation { updateProduct(id: "${product.id}", input: { stock: 33 }) { stock } }`)
    const after = await app.inject({ url, headers: bearer(owner) })
    assert.equal(after.json().data.stock, 33)
  })

  test('GraphQL\'s own errors: GRAPHQL_INVALID with graphql\'s message, 400; a mutation over GET is refused, a query over GET answers', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const unknown = await graphql(app, owner, '{ product(id: "x") { colour } }')
    assert.equal(unknown.status, 400)
    assert.deepEqual(codesOf(unknown.body), ['GRAPHQL_INVALID'])
    assert.match(unknown.body.errors?.[0]?.message ?? '', /colour/)
    const getMutation = await app.inject({ url: `/graphql?query=${encodeURIComponent('mutation { deleteProduct(id: "00000000-0000-7000-8000-000000000000") }')}`, headers: bearer(owner) })
    assert.equal(getMutation.statusCode, 400)
    assert.deepEqual(codesOf(getMutation.json()), ['GRAPHQL_INVALID'])
    assert.match(getMutation.json<GraphqlBody>().errors?.[0]?.message ?? '', /GET/)
    const getQuery = await app.inject({ url: `/graphql?query=${encodeURIComponent('{ tenant { id } }')}`, headers: bearer(owner) })
    assert.deepEqual(getQuery.json(), { data: { tenant: { id: owner.tenant.id } } })
    const syntax = await graphql(app, owner, '{ product(')
    assert.equal(syntax.status, 400)
    assert.deepEqual(codesOf(syntax.body), ['GRAPHQL_INVALID'])
  })
})

describe('GraphQL abuse limits', () => {
  const context = useTestApp({ env: { GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_ALIASES: '10', GRAPHQL_MAX_COST: '1000', GRAPHQL_BODY_LIMIT_BYTES: '4096' } })

  /** Statements the tenant's reads ran: none may run for a refused document. */
  async function productReads (app: FastifyInstance): Promise<number> {
    const { rows } = await sql<{ reads: string }>`select coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) as reads from pg_stat_user_tables where relname = 'products'`.execute(app.db)
    return Number(rows[0]?.reads)
  }

  test('an alias bomb is refused before execution: nothing is read', async () => {
    const { app } = context
    const owner = await registerUser(app)
    await createProduct(app, owner)
    const before = await productReads(app)
    const aliases = Array.from({ length: 11 }, (_, i) => `p${i}: products { meta { total } }`).join(' ')
    const { status, body } = await graphql(app, owner, `{ ${aliases} }`)
    assert.equal(status, 400)
    assert.deepEqual(codesOf(body), ['GRAPHQL_INVALID'])
    assert.equal(body.errors?.[0]?.message, 'The query has 11 aliases; at most 10 are allowed.')
    assert.equal(body.data, null)
    assert.equal(await productReads(app), before, 'no query ran')
  })

  test('a costly query is refused before execution: page sizes multiply', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const { status, body } = await graphql(app, owner, `{ products(page_size: 100) { items { ${PRODUCT_FIELDS} } } }`)
    assert.equal(status, 400)
    assert.deepEqual(codesOf(body), ['GRAPHQL_INVALID'])
    assert.match(body.errors?.[0]?.message ?? '', /would cost 1301, above the limit of 1000/)
    const small = await graphql(app, owner, `{ products(page_size: 10) { items { ${PRODUCT_FIELDS} } } }`)
    assert.equal(small.status, 200)
  })

  test('batched operations are refused', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const response = await app.inject({ method: 'POST', url: '/graphql', headers: bearer(owner), payload: [{ query: '{ tenant { name } }' }, { query: '{ tenant { name } }' }] })
    assert.equal(response.statusCode, 400)
    const body = response.json<GraphqlBody>()
    assert.equal(body.data, null)
    assert.deepEqual(codesOf(body), ['GRAPHQL_INVALID'])
    assert.equal(body.errors?.[0]?.message, 'Send one operation per request: batched operations are not accepted.')
  })

  test('a body over GRAPHQL_BODY_LIMIT_BYTES is 413 PAYLOAD_TOO_LARGE', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const { status, body } = await graphql(app, owner, `{ tenant { name } } # ${'x'.repeat(5000)}`)
    assert.equal(status, 413)
    assert.deepEqual(codesOf(body), ['PAYLOAD_TOO_LARGE'])
  })
})

describe('GraphQL depth limit', () => {
  // This schema has no cycles (its deepest path is three fields), so the limit is tested at its lowest setting.
  const context = useTestApp({ env: { GRAPHQL_MAX_DEPTH: '2' } })

  test('a query deeper than GRAPHQL_MAX_DEPTH is refused before execution, with its depth and the limit, through fragments too', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const shallow = await graphql(app, owner, '{ tenant { name } a: me { role } }')
    assert.equal(shallow.status, 200)
    for (const query of ['{ me { user { id } } }', 'fragment U on Me { user { id } } { me { ...U } }', '{ me { ... on Me { tenants { id } } } }']) {
      const { status, body } = await graphql(app, owner, query)
      assert.equal(status, 400, query)
      assert.deepEqual(codesOf(body), ['GRAPHQL_INVALID'])
      assert.equal(body.errors?.[0]?.message, 'The query nests fields 3 levels deep; at most 2 are allowed.')
    }
    const bomb = `{ me ${'{ user '.repeat(40)}{ id }${' }'.repeat(40)} }`
    const { status, body } = await graphql(app, owner, bomb)
    assert.equal(status, 400)
    assert.ok(body.errors?.some((error) => /levels deep; at most 2/.test(error.message)), JSON.stringify(body.errors?.slice(0, 2)))
  })

  test('fragments that spread each other are refused, not followed forever', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const { status, body } = await graphql(app, owner, 'fragment A on Me { ...B } fragment B on Me { ...A } { me { ...A } }')
    assert.equal(status, 400)
    assert.deepEqual([...new Set(codesOf(body))], ['GRAPHQL_INVALID'])
  })
})

describe('GraphQL automatic persisted queries', () => {
  const context = useTestApp()

  test('an unknown hash asks for the query; sent once with it, the hash alone then works', async () => {
    const { app } = context
    const owner = await registerUser(app, { tenant_name: 'Dbayeh Dairy' })
    const query = '{ tenant { name } }'
    const sha256Hash = createHash('sha256').update(query).digest('hex')
    const extensions = { persistedQuery: { version: 1, sha256Hash } }
    const send = async (payload: Record<string, unknown>) => await app.inject({ method: 'POST', url: '/graphql', headers: bearer(owner), payload })
    const unknown = await send({ extensions })
    assert.equal(unknown.statusCode, 400)
    assert.deepEqual(codesOf(unknown.json()), ['PERSISTED_QUERY_NOT_FOUND'])
    const registered = await send({ query, extensions })
    assert.deepEqual(registered.json().data, { tenant: { name: 'Dbayeh Dairy' } })
    const byHash = await send({ extensions })
    assert.deepEqual(byHash.json().data, { tenant: { name: 'Dbayeh Dairy' } })
    const mismatched = await send({ query: '{ me { role } }', extensions })
    assert.deepEqual(codesOf(mismatched.json()), ['GRAPHQL_INVALID'])
  })
})

describe('GraphQL rate limits', () => {
  const context = useTestApp({ env: { RATE_LIMIT_USER_PER_MINUTE: '3' } })

  test('the user\'s budget is REST\'s: GraphQL requests spend it, and past it get 429 RATE_LIMITED with Retry-After', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const rest = await app.inject({ url: `/api/v1/tenants/${owner.tenant.id}`, headers: bearer(owner) })
    assert.equal(rest.headers['x-ratelimit-remaining'], '2')
    const first = await graphql(app, owner, '{ tenant { name } }')
    assert.equal(first.headers['x-ratelimit-remaining'], '1')
    await graphql(app, owner, '{ tenant { name } }')
    const refused = await graphql(app, owner, '{ tenant { name } }')
    assert.equal(refused.status, 429)
    assert.deepEqual(codesOf(refused.body), ['RATE_LIMITED'])
    assert.ok(Number(refused.headers['retry-after']) > 0)
    assert.equal(refused.body.data, null)
  })
})

describe('GraphQL member and tenant mutations', () => {
  const context = useTestApp()

  test('an admin adds a member, changes the role, removes them: the removed member\'s token is refused at once', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const cashier = await registerUser(app)
    const added = await graphql(app, owner, `mutation { addMember(input: { email: "${cashier.user.email}", role: member }) { user_id role } }`)
    assert.deepEqual(added.body.data, { addMember: { user_id: cashier.user.id, role: 'member' } })
    const changed = await graphql(app, owner, `mutation { updateMember(user_id: "${cashier.user.id}", input: { role: admin }) { role } }`)
    assert.deepEqual(changed.body.data, { updateMember: { role: 'admin' } })
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: cashier.user.email, password: 'correct horse battery staple', tenant_id: owner.tenant.id } })
    const cashierHere = login.json().data as TestSession
    assert.equal((await graphql(app, cashierHere, '{ tenant { id } }')).status, 200)
    const removed = await graphql(app, owner, `mutation { removeMember(user_id: "${cashier.user.id}") }`)
    assert.deepEqual(removed.body.data, { removeMember: cashier.user.id })
    const refused = await graphql(app, cashierHere, '{ tenant { id } }')
    assert.equal(refused.status, 401)
    assert.deepEqual(codesOf(refused.body), ['TOKEN_REVOKED'])
  })

  test('REST\'s rules: a member cannot manage members, the last owner stays, the tenant is renamed by its owner', async () => {
    const { app } = context
    const { owner, member } = await tenantWithRoles(app)
    const forbidden = await graphql(app, member, `mutation { removeMember(user_id: "${owner.user.id}") }`)
    assert.deepEqual(codesOf(forbidden.body), ['FORBIDDEN'])
    const lastOwner = await graphql(app, owner, `mutation { updateMember(user_id: "${owner.user.id}", input: { role: admin }) { role } }`)
    assert.deepEqual(codesOf(lastOwner.body), ['LAST_OWNER'])
    const renamed = await graphql(app, owner, 'mutation { updateTenant(input: { name: "Furn el Chebbak" }) { name } }')
    assert.deepEqual(renamed.body.data, { updateTenant: { name: 'Furn el Chebbak' } })
    const empty = await graphql(app, owner, 'mutation { updateTenant(input: {}) { name } }')
    assert.deepEqual(codesOf(empty.body), ['INVALID_INPUT'])
  })
})

describe('GraphQL in production', () => {
  const context = useTestApp({ env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://unused', METRICS_ENABLED: 'false' } })

  test('introspection is off by default and GraphiQL is not served; the schema is published as schema.graphql', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const introspection = await graphql(app, owner, '{ __schema { types { name } } }')
    assert.equal(introspection.status, 400)
    assert.deepEqual([...new Set(codesOf(introspection.body))], ['GRAPHQL_INVALID'])
    assert.match(introspection.body.errors?.[0]?.message ?? '', /introspection/i)
    assert.equal((await graphql(app, owner, '{ __typename }')).status, 200)
    assert.equal((await app.inject('/graphiql')).statusCode, 404)
  })
})

describe('GraphQL in development', () => {
  const context = useTestApp({ env: { NODE_ENV: 'development' } })

  test('GraphiQL is served, and introspection answers', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const page = await app.inject('/graphiql')
    assert.equal(page.statusCode, 200)
    assert.match(String(page.headers['content-type']), /text\/html/)
    const introspection = await graphql(app, owner, '{ __schema { queryType { name } } }')
    assert.deepEqual(introspection.body.data, { __schema: { queryType: { name: 'Query' } } })
  })
})
