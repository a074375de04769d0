/**
 * The contract fuzz's own parts, without a server: the response check fails on each thing it
 * must fail on, and the generator's valid values are valid for every request body and parameter
 * of the committed document (else the fuzz would mostly exercise 422s).
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { asOpenApiDocument, jsonSchemaOf, operationsOf, type OpenApiDocument, type Operation } from './openapi-document.js'
import { buildUrl, encodeText, type RequestPlan } from './request-plan.js'
import { ResponseContract, type ObservedResponse } from './response-contract.js'
import { Raw, validValue, type SchemaContext } from './schema-arbitrary.js'

const errorResponse = (...codes: string[]) => ({
  description: 'error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' }, examples: Object.fromEntries(codes.map((code) => [code, { value: {} }])) } }
})

/** One operation answering a Thing with its ETag (200), nothing (204, 304), or an error (404, 503). */
const miniature = asOpenApiDocument({
  openapi: '3.1.0',
  paths: {
    '/things/{id}': {
      get: {
        operationId: 'getThing',
        responses: {
          200: { description: 'ok', headers: { ETag: { $ref: '#/components/headers/ETag' } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingResponse' } } } },
          204: { description: 'none' },
          304: { description: 'not modified' },
          404: errorResponse('NOT_FOUND', 'THING_NOT_FOUND'),
          503: errorResponse('SERVICE_UNAVAILABLE')
        }
      }
    }
  },
  components: {
    headers: { ETag: { required: true, schema: { type: 'string' } } },
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'name', 'note', 'created_at'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          created_at: { type: 'string', format: 'date-time', examples: ['2026-11-21T10:00:00.000Z'] }
        },
        additionalProperties: false
      },
      ThingResponse: {
        type: 'object',
        required: ['data', 'error'],
        properties: { data: { $ref: '#/components/schemas/Thing' }, error: { type: 'null' } },
        additionalProperties: false
      },
      ErrorResponse: {
        type: 'object',
        required: ['data', 'error'],
        properties: {
          data: { type: 'null' },
          error: {
            type: 'object',
            required: ['code', 'request_id'],
            properties: { code: { type: 'string' }, request_id: { type: 'string' } }
          }
        },
        additionalProperties: false
      }
    }
  }
})
const [getThing] = operationsOf(miniature) as [Operation]
const contract = new ResponseContract(miniature)
const thing = { id: '0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b', name: 'A thing', note: null, created_at: '2026-11-21T10:00:00.000Z' }

function response (statusCode: number, body: unknown, headers: ObservedResponse['headers'] = {}): ObservedResponse {
  return {
    statusCode,
    headers: { 'x-request-id': 'req-1', ...(statusCode === 200 && { etag: '"1"' }), ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers },
    body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
  }
}

function assertProblem (observed: ObservedResponse, pattern: RegExp): void {
  const problems = contract.problems(getThing, observed)
  assert.ok(problems.some((problem) => pattern.test(problem)), `expected a problem matching ${pattern}, got ${JSON.stringify(problems)}`)
}

describe('the response check', () => {
  test('passes responses that keep the contract', () => {
    assert.deepEqual(contract.problems(getThing, response(200, { data: thing, error: null })), [])
    assert.deepEqual(contract.problems(getThing, response(200, { data: { ...thing, note: 'text' }, error: null })), [])
    assert.deepEqual(contract.problems(getThing, response(204, undefined)), [])
    assert.deepEqual(contract.problems(getThing, response(304, undefined)), [])
    assert.deepEqual(contract.problems(getThing, response(404, { data: null, error: { code: 'NOT_FOUND', request_id: 'req-1' } })), [])
  })

  test('fails a 5xx, documented or not, unless documented ones are allowed', () => {
    const unavailable = response(503, { data: null, error: { code: 'SERVICE_UNAVAILABLE', request_id: 'req-1' } })
    assertProblem(response(500, { data: null, error: { code: 'INTERNAL_ERROR', request_id: 'req-1' } }), /server error/)
    assertProblem(response(502, undefined), /server error/)
    assertProblem(unavailable, /server error/)
    assert.deepEqual(contract.problems(getThing, unavailable, { documentedServerErrors: true }), [])
    assert.ok(contract.problems(getThing, response(500, { data: null, error: { code: 'INTERNAL_ERROR', request_id: 'req-1' } }), { documentedServerErrors: true }).some((problem) => /server error/.test(problem)))
  })

  test('fails an error code the response does not list, a required header missing, and a 304 that describes a body', () => {
    assertProblem(response(404, { data: null, error: { code: 'ORDER_NOT_FOUND', request_id: 'req-1' } }), /error code ORDER_NOT_FOUND is not one the document lists for 404 \(NOT_FOUND, THING_NOT_FOUND\)/)
    assertProblem(response(200, { data: thing, error: null }, { etag: undefined }), /no ETag header/)
    assertProblem(response(304, undefined, { 'content-type': 'application/json', 'content-length': '4' }), /304 with Content-Type or Content-Length/)
  })

  test('fails a status the operation does not list', () => {
    assertProblem(response(400, { data: null, error: { code: 'BAD_REQUEST', request_id: 'req-1' } }), /answered 400, which the document does not list/)
  })

  test('fails a body that does not match the schema of its status', () => {
    const { name: _name, ...nameless } = thing
    assertProblem(response(200, { data: nameless, error: null }), /must have required property 'name'/)
    assertProblem(response(200, { data: { ...thing, name: 42 }, error: null }), /\/data\/name must be string/)
    assertProblem(response(200, { data: { ...thing, secret: 'x' }, error: null }), /must NOT have additional properties/)
    assertProblem(response(200, { data: { ...thing, id: 'urn:uuid:0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b' }, error: null }), /\/data\/id must match format "uuid"/)
    assertProblem(response(200, { data: { ...thing, created_at: '2026-02-30 10:00' }, error: null }), /\/data\/created_at must match format "date-time"/)
    assertProblem(response(404, { data: thing, error: { code: 'NOT_FOUND', request_id: 'req-1' } }), /\/data must be null/)
    assertProblem(response(200, 'not json'), /not JSON/)
    assertProblem(response(200, { data: thing, error: null }, { 'content-type': 'text/html' }), /not application\/json/)
    assertProblem(response(204, { data: null }), /with a body/)
  })

  test('fails a response without X-Request-ID, or an error whose request_id is another', () => {
    assertProblem(response(200, { data: thing, error: null }, { 'x-request-id': undefined }), /no X-Request-ID/)
    assertProblem(response(304, undefined, { 'x-request-id': '' }), /no X-Request-ID/)
    assertProblem(response(404, { data: null, error: { code: 'NOT_FOUND', request_id: 'other' } }), /is not the X-Request-ID header/)
  })
})

describe('the request generator', () => {
  test('writes lone surrogates and raw text into URLs as a careless client would', () => {
    assert.equal(encodeText('a b/ü'), 'a%20b%2F%C3%BC')
    assert.equal(encodeText('\ud800'), '%ED%A0%80')
    const plan: RequestPlan = { path: { id: new Raw('%E0%A4%A') }, query: [['q', '\u0000'], ['n', 5]], headers: {}, body: { kind: 'none' }, repeat: false }
    assert.equal(buildUrl('/things/{id}', plan, () => ''), '/things/%E0%A4%A?q=%00&n=5')
  })

  test('its valid values match every request body and parameter schema of the committed document', async () => {
    const document: OpenApiDocument = asOpenApiDocument(JSON.parse(await readFile(new URL('../../openapi.json', import.meta.url), 'utf8')))
    const checker = new ResponseContract(document)
    const context: SchemaContext = { document, hints: () => undefined, place: 'body' }
    let schemas = 0
    for (const operation of operationsOf(document)) {
      const parts = [
        ...(operation.definition.parameters ?? []).map((parameter) => ({ where: `${parameter.in} ${parameter.name}`, schema: parameter.schema })),
        ...[jsonSchemaOf(operation.definition.requestBody?.content)].filter((schema) => schema !== undefined).map((schema) => ({ where: 'body', schema }))
      ]
      for (const { where, schema } of parts) {
        schemas++
        fc.assert(fc.property(validValue(schema, context), (value) => {
          assert.deepEqual(checker.mismatches(schema, value), [], `${operation.id} ${where}: ${JSON.stringify(value)}`)
        }), { numRuns: 50, seed: 42, includeErrorInReport: true })
      }
    }
    assert.ok(schemas > 50, `only ${schemas} schemas`)
  })
})
