/**
 * The OpenAPI document as a contract, checked by property-based testing: for every operation of
 * the document the running app serves (`app.swagger()`), fast-check generates requests from the
 * operation's parameters and request body, sends them with `app.inject`, and fails on
 *   - any 5xx,
 *   - any status the operation does not list,
 *   - any body that does not match the schema of its status (204 and 304 have none),
 *   - any response without X-Request-ID (or an error whose request_id is not that header).
 * Every request carries the tenant owner's valid access token. Three in five requests are valid,
 * with the real tenant and real ids mostly (a few of another tenant, a few random); the others are
 * valid but in one place, a parameter or the body, which is hostile: NUL, unpaired surrogates,
 * 1e309, urn:uuid: ids, malformed percent-encoding, over-long text, a missing required field, a
 * wrong type, an unknown key, broken JSON, another content type, an over-limit body (see
 * request-plan.ts and schema-arbitrary.ts). One in six is sent twice, as a client's retry.
 *
 * Reproducing a failure: the message shows the request and the response; fast-check prints the
 * shrunk plan (`live(product)` is the fixture's product id) and the seed. The fixtures change as
 * the operations run, so replay the whole file: FUZZ_SEED=<seed> npm test -- test/contract/openapi-fuzz.test.ts
 * FUZZ_RUNS sets the runs per operation (default 25: about 1,000 requests, well under a minute).
 *
 * Fixtures and the owner's session are kept usable (World.heal): some operations legitimately
 * destroy them, and each would silently turn the rest of the run into 401s and 404s.
 *   - logout, logout-all and a refresh-token reuse end the owner's session; a role change or
 *     removal of the owner (possible once the fuzz made another owner) revokes their tokens; a
 *     password change through PATCH /me changes the credentials. After each operation that can do
 *     this, and after any 401, the owner's membership and password hash are put back directly in
 *     the database and the owner signs in again if the token no longer works. Using the real
 *     owner (not a throwaway account) keeps the owner-only paths covered.
 *   - a refresh with the current refresh token rotates it: the new session is adopted.
 *   - a deleted task, product, location or member, a paid or voided order and a deactivated
 *     location are made again, so later runs still reach the success paths.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { useTestApp } from '#test/helpers/app.js'
import { createLocation, createProduct } from '#test/helpers/catalogue.js'
import { bearer, login, registerUser, PASSWORD, type TestSession } from '#test/helpers/identity.js'
import { placeOrder } from '#test/helpers/orders.js'
import { asOpenApiDocument, operationsOf, type HttpMethod, type Operation } from './openapi-document.js'
import { concreteRequest, buildUrl, requestPlans, type ConcreteRequest, type RequestPlan } from './request-plan.js'
import { ResponseContract } from './response-contract.js'
import { Live, type LiveForm, type LiveName, type Place, type Wire } from './schema-arbitrary.js'

const RUNS = wholeNumber(process.env.FUZZ_RUNS, 25)
const SEED = wholeNumber(process.env.FUZZ_SEED, Math.floor(Math.random() * 2 ** 31))
/** Small, so an over-long body (413) is cheap to send; every valid body of the document fits. */
const BODY_LIMIT = 65_536

function wholeNumber (text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`not a non-negative integer: ${text}`)
  return value
}

const METHODS = { get: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE', patch: 'PATCH' } as const satisfies Record<HttpMethod, string>

/** Operations whose success (or any outcome) can end or change the owner's session or membership. */
const SESSION_OPERATIONS = new Set(['refreshSession', 'logout', 'logoutAll', 'updateMe', 'updateMember', 'removeMember'])
/** Operations World.heal knows by id: if the document renames one, the heal must follow. */
const HEALED_OPERATIONS = [...SESSION_OPERATIONS, 'payOrder', 'voidOrder', 'updateLocation', 'deleteTask', 'deleteProduct', 'deleteLocation']

interface Exchange {
  operation: Operation
  plan: RequestPlan
  request: ConcreteRequest
  response: LightMyRequestResponse
  /** The owner's refresh token when the request was sent. */
  refreshTokenSent: string
}

type Ids = Record<Exclude<LiveName, 'refreshToken' | 'cursor' | 'etag'>, string>

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Whether the plan refers to the live value `name` (as itself or upper case: the same id) in its path or body. */
function targets (plan: RequestPlan, name: LiveName): boolean {
  const mentions = (value: unknown): boolean => {
    if (value instanceof Live) return value.name === name && (value.form === 'exact' || value.form === 'upper')
    if (Array.isArray(value)) return value.some(mentions)
    return isRecord(value) && Object.values(value).some(mentions)
  }
  return Object.values(plan.path).some(mentions) || (plan.body.kind === 'json' && mentions(plan.body.value))
}

function responseData (response: LightMyRequestResponse): Record<string, unknown> | undefined {
  try {
    const body: unknown = response.json()
    return isRecord(body) && isRecord(body.data) ? body.data : undefined
  } catch {
    return undefined
  }
}

function truncate (text: string, length = 1500): string {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length} characters)`
}

function describeExchange (exchange: Exchange, problems: string[]): string {
  const { operation, request, response } = exchange
  const headers = { ...request.headers, authorization: 'Bearer <the owner\'s access token>' }
  return [
    `${operation.id}: ${operation.method.toUpperCase()} ${truncate(request.url, 500)}`,
    `request headers: ${truncate(JSON.stringify(headers), 600)}`,
    request.payload === undefined ? 'no request body' : `request body: ${truncate(JSON.stringify(request.payload))}`,
    `response: ${response.statusCode} ${JSON.stringify(response.headers)}`,
    `response body: ${truncate(response.body)}`,
    'problems:',
    ...problems.map((problem) => `  - ${problem}`),
    `(seed ${SEED}: FUZZ_SEED=${SEED} replays the file)`
  ].join('\n')
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * The test's tenant and its fixtures: an owner (whose token every request carries), a member, an
 * outsider with a tenant of their own (the "other" ids: another tenant's real rows), a product
 * with plenty of stock, a location, open orders and a task.
 */
class World {
  /** Generated requests sent. */
  requests = 0
  /** Other requests: ETags fetched, fixtures made again, the owner's token probed. */
  supportRequests = 0
  /** Times the owner signed in again. */
  signIns = 0
  /** Requests with an Idempotency-Key, and answers marked Idempotent-Replayed. */
  idempotentRequests = 0
  replays = 0

  private constructor (
    readonly app: FastifyInstance,
    public session: TestSession,
    readonly ids: Ids,
    public cursor: string,
    readonly passwordHash: string
  ) {}

  static async create (app: FastifyInstance): Promise<World> {
    const owner = await registerUser(app, { tenant_name: 'Fuzz Tenant' })
    const member = await registerUser(app, { name: 'Fuzz Member' })
    const outsider = await registerUser(app, { name: 'Fuzz Outsider', tenant_name: 'Other Tenant' })
    const added = await app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/members`, headers: bearer(owner), payload: { email: member.user.email, role: 'member' } })
    assert.equal(added.statusCode, 201, added.body)

    const product = await createProduct(app, owner, { stock: 1_000_000_000 })
    const secondProduct = await createProduct(app, owner, { stock: 1_000_000_000 })
    const location = await createLocation(app, owner)
    const orders: string[] = []
    for (let i = 0; i < 3; i++) orders.push(await World.#order(app, owner, location.id, product.id))
    const page = await app.inject({ url: `/api/v1/tenants/${owner.tenant.id}/orders?limit=1`, headers: bearer(owner) })
    const cursor: unknown = page.json().meta?.next_cursor
    assert.ok(typeof cursor === 'string', page.body)

    const otherProduct = await createProduct(app, outsider)
    const otherLocation = await createLocation(app, outsider)
    const row = await app.db.selectFrom('users').select('password_hash').where('id', '=', owner.user.id).executeTakeFirstOrThrow()
    const ids: Ids = {
      tenant: owner.tenant.id,
      otherTenant: outsider.tenant.id,
      owner: owner.user.id,
      member: member.user.id,
      outsider: outsider.user.id,
      ownerEmail: owner.user.email,
      memberEmail: member.user.email,
      outsiderEmail: outsider.user.email,
      product: product.id,
      secondProduct: secondProduct.id,
      spareProduct: (await createProduct(app, owner)).id,
      otherProduct: otherProduct.id,
      location: location.id,
      spareLocation: (await createLocation(app, owner)).id,
      otherLocation: otherLocation.id,
      order: orders[0] ?? '',
      otherOrder: await World.#order(app, outsider, otherLocation.id, otherProduct.id),
      task: await World.#task(app, owner, member.user.id),
      otherTask: await World.#task(app, outsider, null)
    }
    return new World(app, owner, ids, cursor, row.password_hash)
  }

  static async #order (app: FastifyInstance, session: TestSession, locationId: string, productId: string): Promise<string> {
    const response = await placeOrder(app, session, locationId, { items: [{ product_id: productId, quantity: 1 }], note: 'fuzz fixture' })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().data.id
  }

  static async #task (app: FastifyInstance, session: TestSession, assigneeId: string | null): Promise<string> {
    const response = await app.inject({ method: 'POST', url: `/api/v1/tenants/${session.tenant.id}/tasks`, headers: bearer(session), payload: { title: 'Fuzz task', priority: 'high', assignee_id: assigneeId } })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().data.id
  }

  get tenantUrl (): string {
    return `/api/v1/tenants/${this.ids.tenant}`
  }

  /**
   * Real values for the names the document uses, mixed with a few of another tenant. Orders take
   * the product and the second product; the spare product and location, never ordered, are there
   * for deletes to succeed.
   */
  readonly hints = (name: string, place: Place): fc.Arbitrary<Wire> | undefined => {
    const live = (...choices: Array<[LiveName, number] | [LiveName, number, LiveForm]>): fc.Arbitrary<Wire> =>
      fc.oneof(...choices.map(([liveName, weight, form]) => ({ weight, arbitrary: fc.constant<Wire>(new Live(liveName, form)) })))
    switch (name) {
      case 'tenant_id': return live(['tenant', 8], ['tenant', 1, 'upper'], ['otherTenant', 1])
      case 'product_id': return place === 'body'
        ? live(['product', 5], ['secondProduct', 4], ['product', 1, 'upper'], ['otherProduct', 1])
        : live(['product', 5], ['spareProduct', 3], ['product', 1, 'upper'], ['otherProduct', 1])
      case 'location_id': return place === 'path'
        ? live(['location', 6], ['spareLocation', 2], ['location', 1, 'upper'], ['otherLocation', 1])
        : live(['location', 8], ['otherLocation', 1])
      case 'order_id': return live(['order', 8], ['order', 1, 'upper'], ['otherOrder', 1])
      case 'task_id': return live(['task', 8], ['task', 1, 'upper'], ['otherTask', 1])
      case 'user_id':
      case 'assignee_id': return live(['owner', 2], ['member', 2], ['outsider', 1])
      case 'email': return live(['ownerEmail', 3], ['ownerEmail', 1, 'upper'], ['ownerEmail', 1, 'padded'], ['memberEmail', 1], ['outsiderEmail', 2])
      case 'password':
      case 'current_password': return fc.constant(PASSWORD)
      case 'refresh_token': return live(['refreshToken', 1])
      case 'cursor': return live(['cursor', 1])
      case 'if-match':
      case 'if-none-match': return fc.oneof({ weight: 4, arbitrary: live(['etag', 1]) }, { weight: 1, arbitrary: fc.constantFrom('*', 'W/"0"', '"1"') })
      // A fixed key comes back across runs: a replay, or 422 IDEMPOTENCY_KEY_REUSED for another request.
      case 'idempotency-key': return fc.oneof(fc.uuid(), fc.constant('fuzz-repeated-key'))
      case 'timezone': return fc.constantFrom('Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Kolkata')
      case 'currency': return fc.constantFrom('EUR', 'USD', 'ZZZ')
      case 'country': return fc.constantFrom('DE', 'US', 'ZZ')
      case 'category':
      case 'subcategory': return fc.constantFrom('test', 'hot-drinks')
      default: return undefined
    }
  }

  lookup (live: Live, etag: string | undefined): string {
    switch (live.name) {
      case 'refreshToken': return live.apply(this.session.refresh_token)
      case 'cursor': return live.apply(this.cursor)
      case 'etag': return live.apply(etag ?? '"no-etag"')
      default: return live.apply(this.ids[live.name])
    }
  }

  async send (operation: Operation, plan: RequestPlan): Promise<Exchange> {
    let etag: string | undefined
    if (Object.values(plan.headers).some((value) => value instanceof Live && value.name === 'etag')) {
      // The resource's current ETag: the operation's own URL answers GET for every operation that takes If-Match or If-None-Match.
      const url = buildUrl(operation.path, { ...plan, query: [] }, (live) => this.lookup(live, undefined))
      const current = await this.app.inject({ url, headers: bearer(this.session) })
      this.supportRequests++
      const header = current.headers.etag
      if (typeof header === 'string') etag = header
    }
    const refreshTokenSent = this.session.refresh_token
    const request = concreteRequest(operation.path, plan, (live) => this.lookup(live, etag), bearer(this.session))
    return { operation, plan, request, response: await this.#inject(operation, request), refreshTokenSent }
  }

  /** The same request again, byte for byte: a client's retry. */
  async resend (exchange: Exchange): Promise<Exchange> {
    return { ...exchange, response: await this.#inject(exchange.operation, exchange.request) }
  }

  async #inject (operation: Operation, request: ConcreteRequest): Promise<LightMyRequestResponse> {
    this.requests++
    if (request.headers['idempotency-key'] !== undefined) this.idempotentRequests++
    const response = await this.app.inject({
      method: METHODS[operation.method],
      url: request.url,
      headers: request.headers,
      ...(request.payload !== undefined && { payload: request.payload })
    })
    if (response.headers['idempotent-replayed'] === 'true') this.replays++
    return response
  }

  /** Puts back what the exchange used up or broke (see the file comment). */
  async heal (exchange: Exchange): Promise<void> {
    const { operation, plan, response } = exchange
    const id = operation.id
    const succeeded = response.statusCode >= 200 && response.statusCode < 300
    if (succeeded && operation.method === 'delete') {
      if (targets(plan, 'task')) this.ids.task = await this.#healing(World.#task(this.app, this.session, this.ids.member))
      if (targets(plan, 'product')) this.ids.product = (await this.#healing(createProduct(this.app, this.session, { stock: 1_000_000_000 }))).id
      if (targets(plan, 'spareProduct')) this.ids.spareProduct = (await this.#healing(createProduct(this.app, this.session))).id
      if (targets(plan, 'location')) this.ids.location = (await this.#healing(createLocation(this.app, this.session))).id
      if (targets(plan, 'spareLocation')) this.ids.spareLocation = (await this.#healing(createLocation(this.app, this.session))).id
    }
    if (succeeded && (id === 'payOrder' || id === 'voidOrder') && targets(plan, 'order')) {
      this.ids.order = await this.#healing(World.#order(this.app, this.session, this.ids.location, this.ids.product))
    }
    if (succeeded && id === 'updateLocation' && targets(plan, 'location') && responseData(response)?.active === false) {
      const reactivated = await this.#healing(this.app.inject({ method: 'PATCH', url: `${this.tenantUrl}/locations/${this.ids.location}`, headers: bearer(this.session), payload: { active: true } }))
      assert.equal(reactivated.statusCode, 200, reactivated.body)
    }
    if (succeeded && id === 'refreshSession' && exchange.request.payload?.includes(exchange.refreshTokenSent) === true) {
      const session = responseData(response)
      // The rotated session, when it is the owner's in this tenant (a refresh may switch tenants).
      if (isRecord(session?.tenant) && session.tenant.id === this.ids.tenant && typeof session?.access_token === 'string') this.session = session as unknown as TestSession
    }
    if (SESSION_OPERATIONS.has(id) || response.statusCode === 401) await this.#ensureOwner()
    if (id === 'removeMember' && succeeded && targets(plan, 'member')) {
      const added = await this.#healing(this.app.inject({ method: 'POST', url: `${this.tenantUrl}/members`, headers: bearer(this.session), payload: { email: this.ids.memberEmail, role: 'member' } }))
      assert.equal(added.statusCode, 201, added.body)
    }
  }

  async #healing<T> (work: Promise<T>): Promise<T> {
    this.supportRequests++
    return await work
  }

  /** The owner is the tenant's owner with the known password, and their token works (signing in again if not). */
  async #ensureOwner (): Promise<void> {
    const { db } = this.app
    const tenantId = this.ids.tenant
    const userId = this.ids.owner
    const membership = await db.selectFrom('memberships').select('role').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst()
    if (membership?.role !== 'owner') {
      await db.insertInto('memberships').values({ tenant_id: tenantId, user_id: userId, role: 'owner' })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'user_id']).doUpdateSet({ role: 'owner' })).execute()
    }
    await db.updateTable('users').set({ password_hash: this.passwordHash }).where('id', '=', userId).where('password_hash', '<>', this.passwordHash).execute()
    if (await this.#tokenWorks()) return
    this.session = await login(this.app, this.ids.ownerEmail, tenantId)
    this.signIns++
    // Revocations reach the app by a database notification: a token minted right after a
    // membership change can be refused for the few milliseconds until it arrives.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await this.#tokenWorks()) return
      await sleep(10)
    }
    assert.fail('the owner\'s new session does not work')
  }

  async #tokenWorks (): Promise<boolean> {
    this.supportRequests++
    return (await this.app.inject({ url: '/api/v1/me', headers: bearer(this.session) })).statusCode === 200
  }
}

describe('the OpenAPI document is a contract every operation keeps, under generated requests', () => {
  const context = useTestApp({
    env: {
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_TENANT_PER_MINUTE: '1000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '1000000',
      BODY_LIMIT_BYTES: String(BODY_LIMIT)
    }
  })
  let world: World
  before(async () => {
    world = await World.create(context.app)
  })

  test(`every operation, ${RUNS} generated requests each: no 5xx, only documented statuses, bodies that match their schema, X-Request-ID always`, { timeout: 120_000 }, async (t) => {
    const started = performance.now()
    const document = asOpenApiDocument(context.app.swagger())
    const contract = new ResponseContract(document)
    // A stream (text/event-stream) never ends, so app.inject cannot wait for it: its contract is
    // tested over real sockets in test/routes/api/v1/events.test.ts.
    const operations = operationsOf(document).filter((operation) => !isStream(operation))
    assert.ok(operations.length > 0, 'the document has no operations')
    for (const id of HEALED_OPERATIONS) assert.ok(operations.some((operation) => operation.id === id), `the document has no operation ${id} (rename it in this test)`)
    t.diagnostic(`seed ${SEED} (FUZZ_SEED), ${RUNS} runs per operation (FUZZ_RUNS), ${operations.length} operations`)

    for (const [index, operation] of operations.entries()) {
      await t.test(`${operation.method.toUpperCase()} ${operation.path}`, async (subtest) => {
        const plans = requestPlans(operation, { document, hints: world.hints }, { bodyLimit: BODY_LIMIT })
        const statuses = new Map<number, number>()
        await fc.assert(fc.asyncProperty(plans, async (plan) => {
          const first = await world.send(operation, plan)
          const exchanges = plan.repeat ? [first, await world.resend(first)] : [first]
          const checked = exchanges.map((exchange) => {
            const status = exchange.response.statusCode
            statuses.set(status, (statuses.get(status) ?? 0) + 1)
            return { exchange, problems: contract.problems(operation, exchange.response) }
          })
          // Heal first: a failing run is replayed while fast-check shrinks it.
          for (const { exchange } of checked) await world.heal(exchange)
          for (const [attempt, { exchange, problems }] of checked.entries()) {
            assert.deepEqual(problems, [], `${attempt === 0 ? '' : '(the same request sent again) '}${describeExchange(exchange, problems)}`)
          }
        }), { numRuns: RUNS, seed: (SEED + index) | 0, includeErrorInReport: true })
        subtest.diagnostic(`statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')}`)
      })
    }
    t.diagnostic(`${world.idempotentRequests} requests with an Idempotency-Key, ${world.replays} answered as replays`)
    t.diagnostic(`${world.requests} requests (${world.supportRequests} more for ETags and fixtures, ${world.signIns} owner sign-ins) in ${Math.round(performance.now() - started)} ms, seed ${SEED}`)
  })
})

function isStream (operation: Operation): boolean {
  return Object.values(operation.definition.responses).some((response) => response.content?.['text/event-stream'] !== undefined)
}
