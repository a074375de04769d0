/** npm run graphql:schema: writes the GraphQL schema the code builds to schema.graphql (committed, for integrators; a test keeps it current). */
import { writeFile } from 'node:fs/promises'
import { graphqlSchemaPath } from '#src/graphql/schema-file.js'
import { graphqlSdl } from '#src/graphql/schema.js'

await writeFile(graphqlSchemaPath, graphqlSdl())
process.stdout.write(`wrote ${graphqlSchemaPath}\n`)
