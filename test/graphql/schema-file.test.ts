import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildSchema, GraphQLObjectType, GraphQLNonNull, GraphQLList, type GraphQLOutputType } from 'graphql'
import { graphqlSchemaPath } from '#src/graphql/schema-file.js'
import { graphqlSdl } from '#src/graphql/schema.js'
import { Product } from '#src/schemas/products.js'
import { Task } from '#src/schemas/tasks.js'

test('the committed schema.graphql is what the code builds (run `npm run graphql:schema` after changing a schema)', () => {
  assert.equal(readFileSync(graphqlSchemaPath, 'utf8'), graphqlSdl())
})

function named (type: GraphQLOutputType): string {
  if (type instanceof GraphQLNonNull) return `${named(type.ofType)}!`
  if (type instanceof GraphQLList) return `[${named(type.ofType)}]`
  return type.name
}

test('GraphQL types have the REST schemas\' fields, with matching types and nullability', () => {
  const schema = buildSchema(graphqlSdl())
  const product = schema.getType('Product')
  assert.ok(product instanceof GraphQLObjectType)
  assert.deepEqual(Object.keys(product.getFields()), Object.keys(Product.properties))
  const fields = product.getFields()
  assert.equal(named(fields.id!.type), 'ID!')
  assert.equal(named(fields.price_cents!.type), 'Int!')
  assert.equal(named(fields.description!.type), 'String')
  assert.equal(named(fields.created_by!.type), 'ID')
  const task = schema.getType('Task')
  assert.ok(task instanceof GraphQLObjectType)
  assert.deepEqual(Object.keys(task.getFields()), Object.keys(Task.properties))
  assert.equal(named(task.getFields().status!.type), 'TaskStatus!')
})
