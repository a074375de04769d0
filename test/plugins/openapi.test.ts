import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { generateOpenApi, openApiPath } from '#scripts/openapi-document.js'
import { buildApp } from '#src/app.js'
import { testConfig } from '../helpers/app.js'

interface Parameter { in: string, name: string, required?: boolean, schema?: { default?: unknown } }
interface Operation { operationId?: string, summary?: string, tags?: string[], responses?: Record<string, unknown>, parameters?: Parameter[], security?: Array<Record<string, string[]>> }

test('the committed openapi.json is what the code generates (run `npm run openapi` after changing a route)', async () => {
  const generated = await generateOpenApi()
  const committed = await readFile(openApiPath, 'utf8')
  assert.equal(committed, generated)
})

test('every operation has an operationId, summary, tags and documented errors; shared schemas have real names', async () => {
  const document = JSON.parse(await generateOpenApi()) as { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, unknown> } }
  const operationIds = new Set<string>()
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`
      assert.ok(operation.operationId, `${where} has no operationId`)
      assert.ok(!operationIds.has(operation.operationId), `${where} repeats operationId ${operation.operationId}`)
      operationIds.add(operation.operationId)
      assert.ok(operation.summary, `${where} has no summary`)
      assert.ok(operation.tags?.length, `${where} has no tags`)
      assert.ok(operation.responses?.['500'], `${where} does not document its error responses`)
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && parameter.schema?.default !== undefined) assert.equal(parameter.required, false, `${where}: ?${parameter.name} has a default, so it is optional`)
      }
    }
  }
  assert.ok(operationIds.size >= 2)
  const names = Object.keys(document.components.schemas)
  assert.ok(names.includes('ErrorResponse'))
  assert.deepEqual(names.filter((name) => /^def-\d+$/.test(name)), [])
})

test('the docs page and the JSON document are served', async () => {
  const app = await buildApp(testConfig('postgres://postgres@127.0.0.1:1/unused'), { logger: false })
  try {
    const json = await app.inject('/openapi.json')
    assert.equal(json.statusCode, 200)
    assert.equal(json.json().openapi, '3.1.0')
    const docs = await app.inject('/docs/')
    assert.equal(docs.statusCode, 200)
    assert.match(String(docs.headers['content-type']), /text\/html/)
  } finally {
    await app.close()
  }
})

test('the documented security of every operation is what the guard enforces: bearer ones answer 401 without a token, public ones do not', async () => {
  const document = JSON.parse(await generateOpenApi()) as { paths: Record<string, Record<string, Operation>> }
  const app = await buildApp(testConfig('postgres://postgres@127.0.0.1:1/unused'), { logger: false })
  try {
    for (const [path, methods] of Object.entries(document.paths)) {
      const url = path.replace(/\{[a-z_]+\}/g, '0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b')
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`
        assert.ok(Array.isArray(operation.security), `${where} does not state its security (public operations say security: [])`)
        const needsToken = operation.security.some((requirement) => 'bearerAuth' in requirement)
        const response = await app.inject({ method: method.toUpperCase() as 'GET', url, ...(method !== 'get' && method !== 'delete' && { payload: {} }) })
        if (needsToken) assert.equal(response.statusCode, 401, where)
        else assert.notEqual(response.statusCode, 401, where)
      }
    }
  } finally {
    await app.close()
  }
})
