import type { FastifyInstance, FastifyReply } from 'fastify'
import { GraphQLError, type ExecutionResult } from 'graphql'
import { AppError, codes, errors, type ErrorCode } from '../errors/index.js'
import { localized, preferredLanguage, type Language } from '../errors/language.js'

/** The error shape of every GraphQL answer: `extensions.code` is the REST code, `extensions.details` REST's field errors. */
interface GraphqlErrorJson {
  message: string
  locations?: ReadonlyArray<{ line: number, column: number }> | undefined
  path?: ReadonlyArray<string | number> | undefined
  extensions: { code: ErrorCode, details: unknown }
}

interface Classified { code: ErrorCode, message: string, details: unknown, status: number }

/** mercurius's own errors: a client's mistake (400) with a message about the request, never internals. */
function isMercuriusClientError (error: unknown): error is Error & { code: string, statusCode?: number } {
  const { code, statusCode } = error as { code?: unknown, statusCode?: unknown }
  return typeof code === 'string' && code.startsWith('MER_ERR_') && (statusCode === undefined || (typeof statusCode === 'number' && statusCode < 500))
}

function classify (app: FastifyInstance, error: GraphQLError, reply: FastifyReply | undefined, language: Language): Classified {
  const original = error.originalError
  if (original === undefined || original === null || original instanceof GraphQLError) {
    // graphql-js's own syntax and validation errors: the message is about the query.
    return { code: codes.GRAPHQL_INVALID, message: error.message, details: null, status: 400 }
  }
  if (isMercuriusClientError(original)) {
    if (original.code === 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND') return fromAppError(errors.PERSISTED_QUERY_NOT_FOUND(), language)
    return { code: codes.GRAPHQL_INVALID, message: original.message, details: null, status: 400 }
  }
  // An AppError from a service or a hook; or anything else, mapped (and logged) as REST maps it.
  const appError = original instanceof AppError ? original : reply === undefined ? errors.INTERNAL_ERROR() : app.appErrorOf(original, reply.request)
  return fromAppError(appError, language)
}

function fromAppError (error: AppError, language: Language): Classified {
  const { message, details } = localized(error, language)
  return { code: error.code, message, details, status: error.statusCode }
}

/**
 * Validation failures come as one mercurius error holding a list (graphql's errors, or its own
 * about the request, such as a mutation sent with GET): one entry each, all about the request.
 */
function flatten (errorsOf: readonly GraphQLError[]): GraphQLError[] {
  return errorsOf.flatMap((error) => {
    const nested = (error.originalError as { errors?: unknown } | undefined)?.errors
    if (!Array.isArray(nested)) return [error]
    return nested.map((inner: unknown) => inner instanceof GraphQLError ? inner : new GraphQLError(String((inner as Error).message)))
  })
}

/**
 * mercurius's errorFormatter: every error of a GraphQL request reported as REST would report it.
 * AppErrors (from services, the auth and rate-limit hooks, the query limits) keep their code,
 * details and message in the client's language (Accept-Language); graphql's own syntax and
 * validation errors are GRAPHQL_INVALID with graphql's message; anything else is what REST
 * answers (INTERNAL_ERROR, logged, nothing internal said). With data, the status is 200 (errors
 * sit beside it); without, a lone error's REST status (401, 404, 429...), else 400.
 */
export function graphqlErrorFormatter (app: FastifyInstance) {
  return (execution: ExecutionResult, context: { reply?: FastifyReply }) => {
    const { reply } = context
    const language = preferredLanguage(reply?.request.headers['accept-language'])
    const classified = flatten(execution.errors ?? []).map((error) => ({ error, ...classify(app, error, reply, language) }))
    const hasData = execution.data !== undefined && execution.data !== null
    const status = hasData ? 200 : classified.length === 1 ? classified[0]?.status ?? 400 : 400
    reply?.header('content-language', language)
    const formatted = classified.map(({ error, code, message, details }): GraphqlErrorJson =>
      ({ message, locations: error.locations, path: error.path, extensions: { code, details } }))
    return { statusCode: status, response: { data: execution.data ?? null, errors: formatted } }
  }
}

/**
 * An AppError as a GraphQLError carrying REST's code and details in its extensions: for errors
 * mercurius sends over a subscription's socket without the error formatter (those of subscribe
 * and of the event iterator). Messages in English: a socket has no Accept-Language per message.
 */
export function subscriptionError (error: AppError): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, details: error.details } })
}
