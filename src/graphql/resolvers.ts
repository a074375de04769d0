import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { Type, type Static, type TSchema } from 'typebox'
import type { Db } from '#db/schema/index.js'
import { Uuid } from '../schemas/fields.js'
import { LocationListQuery } from '../schemas/locations.js'
import { AddMemberBody, UpdateMemberBody, UpdateTenantBody } from '../schemas/identity.js'
import { IdempotencyKey } from '../schemas/idempotency.js'
import { CreateOrderBody, OrderListQuery, VoidOrderBody, type OrderItem } from '../schemas/orders.js'
import { ProductListQuery } from '../schemas/products.js'
import { TaskListQuery } from '../schemas/tasks.js'
import { getMe } from '../services/account.js'
import type { AuthContext } from '../services/auth-context.js'
import { createLocation, deleteLocation, getLocation, listLocations, updateLocation } from '../services/locations.js'
import type { CursorCodec } from '../services/cursor.js'
import type { WriteOptions } from '../services/idempotency.js'
import { createOrder, getOrder, itemsOfOrders, listOrders, payOrder, voidOrder } from '../services/orders.js'
import { createProduct, deleteProduct, getProduct, listProducts, productsByIds, updateProduct } from '../services/products.js'
import { createTask, deleteTask, getTask, listTasks, updateTask } from '../services/tasks.js'
import { addMember, changeMemberRole, getTenant, listMembers, removeMember, updateTenant } from '../services/tenants.js'
import { inputOf } from './inputs.js'
import { writableResources } from './resources.js'
import { MemberListQuery } from './schema.js'

/** What every resolver gets: the caller (verified as on REST) and a way to say the request changed data. */
export interface GraphqlContext {
  auth: AuthContext
  /** Called by every mutation that committed: the response cache is invalidated as after a REST write. */
  wrote: () => void
  /** The request's Idempotency-Key header, unchecked: an order write's `idempotency_key` argument takes its place. */
  idempotencyHeader: string | string[] | undefined
  /** Aborts once the handler timeout answered 503, so a write then rolls back (as on REST). */
  timeoutSignal: () => AbortSignal
  /** A subscription's: when its access token expires (ms since the epoch), from connection_init. */
  accessExpiresAt?: number
  /** A subscription's: the subscriptions open on its socket (graphql-ws multiplexes them), bounded. */
  openSubscriptions?: { count: number }
}

declare module 'mercurius' {
  // Resolvers see the context the plugin builds (plugins/graphql.ts).
  interface MercuriusContext extends GraphqlContext {}
}

/** A uuid argument, checked as REST checks the path parameter of that name (a bad one: INVALID_INPUT on /<name>). */
function uuidArgument (name: string): (args: Args) => string {
  const check = inputOf(Type.Object({ [name]: Uuid }, { additionalProperties: false }), 'params') as (value: unknown) => Record<string, string>
  return (args) => check({ [name]: args[name] })[name] as string
}

const idOf = uuidArgument('id')
const userIdOf = uuidArgument('user_id')
const locationIdOf = uuidArgument('location_id')
const productQuery = inputOf(ProductListQuery, 'querystring')
const locationQuery = inputOf(LocationListQuery, 'querystring')
const taskQuery = inputOf(TaskListQuery, 'querystring')
const memberQuery = inputOf(MemberListQuery, 'querystring')
const orderQuery = inputOf(OrderListQuery, 'querystring')
const tenantUpdate = inputOf(UpdateTenantBody, 'body')
const memberAdd = inputOf(AddMemberBody, 'body')
const memberUpdate = inputOf(UpdateMemberBody, 'body')
const orderCreate = inputOf(CreateOrderBody, 'body')
const orderVoid = inputOf(VoidOrderBody, 'body')
const idempotencyKeyCheck = inputOf(Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) }, { additionalProperties: false }), 'headers')

/** An order write's options: its idempotency_key (else the Idempotency-Key header), checked as REST checks the header, and the timeout signal. */
function writeOptionsOf (context: GraphqlContext, args: Args): WriteOptions {
  const key = args.idempotency_key ?? context.idempotencyHeader
  return { idempotencyKey: idempotencyKeyCheck(key === undefined ? {} : { 'idempotency-key': key })['idempotency-key'], signal: context.timeoutSignal() }
}

type Args = Record<string, unknown> & { id?: unknown, input?: unknown, location_id?: unknown, user_id?: unknown, idempotency_key?: unknown }

/** A mutation: the service's result, once the context knows the request wrote. */
async function written<T> (context: GraphqlContext, result: Promise<T>): Promise<T> {
  const value = await result
  context.wrote()
  return value
}

interface ResourceServices<C, U, R> {
  create: (db: Db, auth: AuthContext, input: C) => Promise<R>
  update: (db: Db, auth: AuthContext, id: string, changes: U) => Promise<R>
  remove: (db: Db, auth: AuthContext, id: string) => Promise<void>
}

type WriteResolver = (root: unknown, args: Args, context: GraphqlContext) => Promise<unknown>

/** create<Name>, update<Name> and delete<Name> of a writable resource (./resources.ts) over its services; a delete answers the id it deleted. */
function resourceWrites<TC extends TSchema, TU extends TSchema, R> (db: Db, { name, create, update }: { name: string, create: TC, update: TU }, services: ResourceServices<Static<TC>, Static<TU>, R>): Record<string, WriteResolver> {
  const createInput = inputOf(create, 'body')
  const updateInput = inputOf(update, 'body')
  return {
    [`create${name}`]: async (_root, args, context) => await written(context, services.create(db, context.auth, createInput(args.input))),
    [`update${name}`]: async (_root, args, context) => await written(context, services.update(db, context.auth, idOf(args), updateInput(args.input))),
    [`delete${name}`]: async (_root, args, context) => {
      const id = idOf(args)
      await written(context, services.remove(db, context.auth, id))
      return id
    }
  }
}

const [products, locations, tasks] = writableResources

/**
 * The same services as the REST routes, with the same inputs validated by the same schemas, so
 * roles, tenant isolation, errors and events are those of REST.
 */
export interface ResolverDependencies {
  cursors: CursorCodec
  /** Resolves once this instance has applied the access changes committed so far (plugins/revocation.ts). */
  accessApplied: () => Promise<void>
}

export function graphqlResolvers (db: Db, { cursors, accessApplied }: ResolverDependencies): IResolvers {
  /** A membership change: answered once this instance's token checks know of it, as REST's changesAccess routes. */
  async function changedAccess<T> (context: GraphqlContext, result: Promise<T>): Promise<T> {
    const value = await written(context, result)
    await accessApplied()
    return value
  }

  return {
    Query: {
      me: async (_root, _args, { auth }) => await getMe(db, auth),
      tenant: async (_root, _args, { auth }) => await getTenant(db, auth),
      members: async (_root, args: Args, { auth }) => await listMembers(db, auth, memberQuery(args)),
      products: async (_root, args: Args, { auth }) => await listProducts(db, auth, productQuery(args)),
      product: async (_root, args: Args, { auth }) => await getProduct(db, auth, idOf(args)),
      locations: async (_root, args: Args, { auth }) => await listLocations(db, auth, locationQuery(args)),
      location: async (_root, args: Args, { auth }) => await getLocation(db, auth, idOf(args)),
      tasks: async (_root, args: Args, { auth }) => await listTasks(db, auth, taskQuery(args)),
      task: async (_root, args: Args, { auth }) => await getTask(db, auth, idOf(args)),
      orders: async (_root, args: Args, { auth }) => await listOrders(db, auth, orderQuery(args), cursors),
      order: async (_root, args: Args, { auth }) => await getOrder(db, auth, idOf(args))
    },
    Mutation: {
      updateTenant: async (_root, args: Args, context) => await written(context, updateTenant(db, context.auth, tenantUpdate(args.input))),
      addMember: async (_root, args: Args, context) => await changedAccess(context, addMember(db, context.auth, memberAdd(args.input))),
      updateMember: async (_root, args: Args, context) => await changedAccess(context, changeMemberRole(db, context.auth, userIdOf(args), memberUpdate(args.input).role)),
      removeMember: async (_root, args: Args, context) => {
        const userId = userIdOf(args)
        await changedAccess(context, removeMember(db, context.auth, userId))
        return userId
      },
      ...resourceWrites(db, products, { create: createProduct, update: updateProduct, remove: deleteProduct }),
      ...resourceWrites(db, locations, { create: createLocation, update: updateLocation, remove: deleteLocation }),
      ...resourceWrites(db, tasks, { create: createTask, update: updateTask, remove: deleteTask }),
      placeOrder: async (_root, args: Args, context) =>
        (await written(context, createOrder(db, context.auth, locationIdOf(args), orderCreate(args.input), writeOptionsOf(context, args)))).value,
      payOrder: async (_root, args: Args, context) =>
        (await written(context, payOrder(db, context.auth, idOf(args), writeOptionsOf(context, args)))).value,
      voidOrder: async (_root, args: Args, context) =>
        (await written(context, voidOrder(db, context.auth, idOf(args), orderVoid({ reason: args.reason }).reason, writeOptionsOf(context, args)))).value
    }
  }
}

/**
 * Batched loading (mercurius loaders, one batch per field per request): an orders page with its
 * lines and their products is three queries whatever its size, and every lookup is the caller's
 * tenant's. An order read by id or just written already carries its lines.
 */
export function graphqlLoaders (db: Db): MercuriusLoaders {
  return {
    Order: {
      items: async (queries: Array<{ obj: { id: string, items?: OrderItem[] } }>, { auth }) => {
        const missing = queries.filter(({ obj }) => obj.items === undefined).map(({ obj }) => obj.id)
        const loaded = await itemsOfOrders(db, auth, missing)
        return queries.map(({ obj }) => obj.items ?? loaded.get(obj.id) ?? [])
      }
    },
    OrderItem: {
      product: async (queries: Array<{ obj: OrderItem }>, { auth }) => {
        const products = await productsByIds(db, auth, queries.map(({ obj }) => obj.product_id))
        return queries.map(({ obj }) => products.get(obj.product_id) ?? null)
      }
    }
  }
}
