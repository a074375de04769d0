import type { FastifyInstance } from 'fastify'
import { bearer, type TestSession } from './identity.js'

export interface GraphqlError { message: string, extensions: { code: string, details: Array<{ field: string, message: string }> | null } }
export interface GraphqlBody { data: Record<string, unknown> | null, errors?: GraphqlError[] }

/** POST /graphql with the session's token (none when null): status, body and headers. */
export async function graphql (app: FastifyInstance, session: Pick<TestSession, 'access_token'> | null, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { ...(session === null ? {} : bearer(session)), ...headers },
    payload: { query, variables }
  })
  return { status: response.statusCode, body: response.json<GraphqlBody>(), headers: response.headers }
}

/** The REST codes of a GraphQL answer's errors (extensions.code), in order. */
export function codesOf (body: GraphqlBody): string[] {
  return (body.errors ?? []).map((error) => error.extensions.code)
}
