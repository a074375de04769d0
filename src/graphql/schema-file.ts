import { fileURLToPath } from 'node:url'

/** The committed SDL, beside openapi.json: what GraphQL clients generate from. */
export const graphqlSchemaPath = fileURLToPath(new URL('../../schema.graphql', import.meta.url))
