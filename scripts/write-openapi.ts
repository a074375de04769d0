/** npm run openapi: writes the OpenAPI document the code generates to openapi.json, and the typed client's types from it (both committed). */
import { writeFile } from 'node:fs/promises'
import { clientTypesPath, generateClientTypes, generateOpenApi, openApiPath } from './openapi-document.js'

const document = await generateOpenApi()
await writeFile(openApiPath, document)
await writeFile(clientTypesPath, await generateClientTypes(document))
process.stdout.write(`wrote ${openApiPath} and ${clientTypesPath}\n`)
