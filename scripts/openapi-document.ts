import path from 'node:path'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import { buildApp } from '#src/app.js'
import { loadConfig } from '#src/config.js'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
export const openApiPath = path.join(root, 'openapi.json')
/** The types of the typed client (clients/typescript), generated from the document by openapi-typescript. */
export const clientTypesPath = path.join(root, 'clients', 'typescript', 'schema.ts')

/**
 * The document as the code generates it, formatted for review. Building the app needs no database
 * connection (the pool connects lazily), so any syntactically valid URL will do.
 */
export async function generateOpenApi (): Promise<string> {
  const { config } = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) })
  const app = await buildApp({ ...config, DATABASE_URL: 'postgres://openapi@127.0.0.1:1/unused' }, { logger: false })
  await app.ready()
  const document = JSON.stringify(app.swagger(), null, 2) + '\n'
  await app.close()
  return document
}

/** The typed client's types for `document` (the JSON text of openapi.json), as committed. */
export async function generateClientTypes (document: string): Promise<string> {
  const types = astToString(await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0], {
    // A field with a default (CreateLocationRequest.active) stays optional in request bodies.
    defaultNonNullable: false
  }))
  return `/**\n * Generated from openapi.json by openapi-typescript (npm run openapi): do not edit.\n */\n\n${types}`
}
