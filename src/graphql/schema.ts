import { Type } from 'typebox'
import { CursorMeta, PageMeta } from '../schemas/envelope.js'
import { Event, EventStreamQuery, eventSchemas } from '../schemas/events.js'
import { AddedMember, AddMemberBody, Me, Member, Role, Tenant, TenantMembership, UpdateMemberBody, UpdateTenantBody, User } from '../schemas/identity.js'
import { Location, LocationListQuery } from '../schemas/locations.js'
import { CreateOrderBody, Order, OrderItem, OrderLineRequest, OrderListQuery, OrderStatus } from '../schemas/orders.js'
import { PageQuery } from '../schemas/params.js'
import { Product, ProductListQuery } from '../schemas/products.js'
import { Task, TaskListQuery, TaskPriority, TaskStatus } from '../schemas/tasks.js'
import { writableResources } from './resources.js'
import { SdlRegistry } from './typebox-sdl.js'

/** The arguments of `members`: REST's page query. */
export const MemberListQuery = Type.Object(PageQuery, { additionalProperties: false })

/**
 * The GraphQL schema as SDL: object, input and enum types rendered from the REST API's TypeBox
 * schemas (./typebox-sdl.ts), the root types written here. schema.graphql is this text, committed
 * for integrators; a test keeps it current (`npm run graphql:schema` rewrites it).
 */
export function graphqlSdl (): string {
  const registry = new SdlRegistry([AddedMember, Me, Member, Role, Tenant, TenantMembership, User, Product, Location, Task, TaskStatus, TaskPriority, PageMeta, CursorMeta, Order, OrderItem, OrderStatus, OrderLineRequest, ...eventSchemas])
  for (const object of [Me, Member, AddedMember, Product, Location, Task, Order, PageMeta, CursorMeta, Event]) registry.objectType(object)
  for (const { name, create, update } of writableResources) {
    registry.inputType(create, `Create${name}Input`)
    registry.inputType(update, `Update${name}Input`)
  }
  registry.inputType(CreateOrderBody, 'CreateOrderInput')
  registry.inputType(UpdateTenantBody, 'UpdateTenantInput')
  registry.inputType(AddMemberBody, 'AddMemberInput')
  registry.inputType(UpdateMemberBody, 'UpdateMemberInput')
  const pages = ['Member', 'Product', 'Location', 'Task'].map((item) => `"""A page of ${item}s and where it is in the whole list, as REST's data and meta."""
type ${item}Page {
  items: [${item}!]!
  meta: PageMeta!
}`)
  const root = `"""Reads, all within the tenant of the access token."""
type Query {
  """The caller: user, tenant, role, and every tenant they belong to."""
  me: Me!
  tenant: Tenant!
  members${registry.argumentsOf(MemberListQuery)}: MemberPage!
  """REST's filters, sorts and pages (GET /products)."""
  products${registry.argumentsOf(ProductListQuery)}: ProductPage!
  product(id: ID!): Product!
  locations${registry.argumentsOf(LocationListQuery)}: LocationPage!
  location(id: ID!): Location!
  tasks${registry.argumentsOf(TaskListQuery)}: TaskPage!
  task(id: ID!): Task!
  """REST's filters and cursor (GET /orders), newest first; each order's lines and their products are loaded for the whole page at once."""
  orders${registry.argumentsOf(OrderListQuery)}: OrderPage!
  order(id: ID!): Order!
}

"""Writes, under the same role rules as REST; a delete returns the id it deleted."""
type Mutation {
  updateTenant(input: UpdateTenantInput!): Tenant!
  """Member changes are answered once this instance applies them to tokens, as on REST."""
  addMember(input: AddMemberInput!): AddedMember!
  updateMember(user_id: ID!, input: UpdateMemberInput!): Member!
  removeMember(user_id: ID!): ID!
${writableResources.map(({ name }) => `  create${name}(input: Create${name}Input!): ${name}!
  update${name}(id: ID!, input: Update${name}Input!): ${name}!
  delete${name}(id: ID!): ID!`).join('\n')}
  """As POST /locations/{location_id}/orders; idempotency_key (else the Idempotency-Key header) makes a retry replay the first answer."""
  placeOrder(location_id: ID!, input: CreateOrderInput!, idempotency_key: String): Order!
  payOrder(id: ID!, idempotency_key: String): Order!
  voidOrder(id: ID!, reason: String!, idempotency_key: String): Order!
}

"""A page of orders, as REST's data and meta: pass meta.next_cursor as cursor for the next."""
type OrderPage {
  items: [Order!]!
  meta: CursorMeta!
}

"""
The tenant's events from the outbox, over WebSocket (graphql-ws), authenticated by connection_init's
payload { authorization: "Bearer <access token>" }: as the SSE stream, every event after \`after\`
in order without duplicates, then live; \`types\` filters as on SSE (product.*,order.paid). It ends
with an error when the token expires (TOKEN_EXPIRED), the session or membership is revoked
(TOKEN_REVOKED), the server shuts down or the client falls too far behind (SERVICE_UNAVAILABLE).
"""
type Subscription {
  events${registry.argumentsOf(EventStreamQuery, ['ticket'])}: EventMessage!
}

"""One of the two: an event, or (first, alone) a reset: the position asked for cannot be resumed (past retention, or unknown), refetch and follow from last_id."""
type EventMessage {
  event: Event
  reset: StreamReset
}

type StreamReset {
  reason: String!
  last_id: Int!
}

"""Any JSON value: an event's data, whose shape its type names (the REST resource, or { id } for a deletion)."""
scalar JSON

extend type OrderItem {
  """GraphQL only: the product the line is of, as it is now (product_name and unit_price_cents are as when ordered)."""
  product: Product
}`
  return `${[root, ...pages, ...registry.definitions()].join('\n\n')}\n`
}
