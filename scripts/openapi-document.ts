import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '#src/app.js'
import { loadConfig } from '#src/config.js'

export const openApiPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'openapi.json')

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
