/**
 * Holds every response the test suite receives to the committed openapi.json (which
 * test/plugins/openapi.test.ts keeps equal to what the code generates), with the contract fuzz's
 * check (test/contract/response-contract.ts): a listed status, a body of the documented schema,
 * an error code the response lists, the required headers. Installed by buildTestApp on every app
 * under test; what did not match fails the app's close(), so the test file fails.
 */
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { openApiPath } from '#scripts/openapi-document.js'
import { asOpenApiDocument, operationsOf, type Operation } from '../contract/openapi-document.js'
import { ResponseContract } from '../contract/response-contract.js'

const document = asOpenApiDocument(JSON.parse(readFileSync(openApiPath, 'utf8')))
const contract = new ResponseContract(document)
const operations = new Map<string, Operation>(operationsOf(document).map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation]))

/** The documented operation a request was routed to: none for routes the document leaves out (docs, fixtures, no route). */
function operationOf (request: FastifyRequest): Operation | undefined {
  const template = request.routeOptions.url
  if (template === undefined) return undefined
  const path = template.replace(/:([a-z_]+)/g, '{$1}').replace(/(.)\/$/, '$1')
  return operations.get(`${request.method} ${path}`)
}

function problemsOf (request: FastifyRequest, reply: FastifyReply, payload: unknown): string[] {
  const operation = operationOf(request)
  // Streams (SSE) are documented as text/event-stream and checked by their own tests.
  if (operation === undefined || (payload !== null && typeof payload === 'object')) return []
  const status = reply.statusCode
  // Fastify sends no body with a 204 or 304, whatever the handler returned.
  const body = status === 204 || status === 304 || typeof payload !== 'string' ? '' : payload
  const problems = contract.problems(operation, { statusCode: status, headers: reply.getHeaders(), body }, { documentedServerErrors: true })
  return problems.map((problem) => `${request.method} ${request.url} (${operation.id}): ${problem}`)
}

/** Checks every response of `app` against the document; its close() fails with what did not match. */
export function holdToContract (app: FastifyInstance): void {
  const problems = new Set<string>()
  app.addHook('onSend', (request, reply, payload, done) => {
    for (const problem of problemsOf(request, reply, payload)) problems.add(problem)
    done(null, payload)
  })
  app.addHook('onClose', async () => {
    if (problems.size > 0) throw new Error(`responses that do not match openapi.json:\n${[...problems].join('\n')}`)
  })
}
