/** npm run openapi: writes the OpenAPI document the code generates to openapi.json (committed). */
import { writeFile } from 'node:fs/promises'
import { generateOpenApi, openApiPath } from './openapi-document.js'

await writeFile(openApiPath, await generateOpenApi())
process.stdout.write(`wrote ${openApiPath}\n`)
