import { Type } from 'typebox'
import { PageMeta } from '../schemas/envelope.js'
import { Me, Member, Role, Tenant, TenantMembership, User } from '../schemas/identity.js'
import { CreateLocationBody, Location, LocationListQuery, UpdateLocationBody } from '../schemas/locations.js'
import { PageQuery } from '../schemas/params.js'
import { CreateProductBody, Product, ProductListQuery, UpdateProductBody } from '../schemas/products.js'
import { CreateTaskBody, Task, TaskListQuery, TaskPriority, TaskStatus, UpdateTaskBody } from '../schemas/tasks.js'
import { SdlRegistry } from './typebox-sdl.js'

/** The arguments of `members`: REST's page query. */
export const MemberListQuery = Type.Object(PageQuery, { additionalProperties: false })

/**
 * The GraphQL schema as SDL: object, input and enum types rendered from the REST API's TypeBox
 * schemas (./typebox-sdl.ts), the root types written here. schema.graphql is this text, committed
 * for integrators; a test keeps it current (`npm run graphql:schema` rewrites it).
 */
export function graphqlSdl (): string {
  const registry = new SdlRegistry([Me, Member, Role, Tenant, TenantMembership, User, Product, Location, Task, TaskStatus, TaskPriority, PageMeta])
  for (const object of [Me, Member, Product, Location, Task, PageMeta]) registry.objectType(object)
  registry.inputType(CreateProductBody, 'CreateProductInput')
  registry.inputType(UpdateProductBody, 'UpdateProductInput')
  registry.inputType(CreateLocationBody, 'CreateLocationInput')
  registry.inputType(UpdateLocationBody, 'UpdateLocationInput')
  registry.inputType(CreateTaskBody, 'CreateTaskInput')
  registry.inputType(UpdateTaskBody, 'UpdateTaskInput')
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
}

"""Writes, under the same role rules as REST; a delete returns the id it deleted."""
type Mutation {
  createProduct(input: CreateProductInput!): Product!
  updateProduct(id: ID!, input: UpdateProductInput!): Product!
  deleteProduct(id: ID!): ID!
  createLocation(input: CreateLocationInput!): Location!
  updateLocation(id: ID!, input: UpdateLocationInput!): Location!
  deleteLocation(id: ID!): ID!
  createTask(input: CreateTaskInput!): Task!
  updateTask(id: ID!, input: UpdateTaskInput!): Task!
  deleteTask(id: ID!): ID!
}`
  return `${[root, ...pages, ...registry.definitions()].join('\n\n')}\n`
}
