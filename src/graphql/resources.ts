import { CreateLocationBody, UpdateLocationBody } from '../schemas/locations.js'
import { CreateProductBody, UpdateProductBody } from '../schemas/products.js'
import { CreateTaskBody, UpdateTaskBody } from '../schemas/tasks.js'

/**
 * The resources GraphQL creates, updates and deletes alike: `create<Name>(input)`,
 * `update<Name>(id, input)` and `delete<Name>(id)`, their inputs REST's bodies. The SDL
 * (./schema.ts) and the resolvers (./resolvers.ts) are both built from this list.
 */
export const writableResources = [
  { name: 'Product', create: CreateProductBody, update: UpdateProductBody },
  { name: 'Location', create: CreateLocationBody, update: UpdateLocationBody },
  { name: 'Task', create: CreateTaskBody, update: UpdateTaskBody }
] as const
