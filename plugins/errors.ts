import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError, FastifyServerOptions } from 'fastify'
import { isDatabaseUnavailable, isQueryCanceled } from '#db/postgres-errors.js'
import { AppError, errors } from '#src/errors/index.js'
import { fieldErrors } from '#src/errors/schema-issues.js'
import { localized, preferredLanguage } from '#src/errors/language.js'
import { OutageLog } from '#src/resilience/outage-log.js'
import { securityHeaders } from './security-headers.js'

/** Fastify's own error codes that mean something specific to a client. */
const fastifyCodes: Record<string, () => AppError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: errors.INVALID_JSON,
  FST_ERR_CTP_EMPTY_JSON_BODY: errors.INVALID_JSON,
  FST_ERR_CTP_BODY_TOO_LARGE: errors.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: errors.UNSUPPORTED_MEDIA_TYPE
}

/** Any other client error status Fastify or a plugin raises, by status. */
const statusCodes: Record<number, () => AppError> = {
  400: errors.BAD_REQUEST,
  401: errors.UNAUTHORIZED,
  403: errors.FORBIDDEN,
  404: errors.NOT_FOUND,
  413: errors.PAYLOAD_TOO_LARGE,
  415: errors.UNSUPPORTED_MEDIA_TYPE,
  429: errors.RATE_LIMITED,
  503: errors.SERVICE_UNAVAILABLE
}
/** Outages are logged once per interval with counts, not per request (see OutageLog). */
const OUTAGE_LOG_INTERVAL_MS = 10_000

/** Every connection checked out and another one waited past DB_CONNECTION_TIMEOUT_MS: busy, not down. */
function poolExhausted (request: FastifyRequest, error: Error): boolean {
  const pool = request.server.pgPool
  return error.message.includes('timeout exceeded when trying to connect') && pool.totalCount >= pool.options.max && pool.idleCount === 0
}

/**
 * A request without the body its route requires fails as if each required property were missing
 * (`/reason`: "must have required property 'reason'"), not as "body must be object".
 */
function missingBodyIssues (request: FastifyRequest): FastifySchemaValidationError[] | undefined {
  if (request.body !== undefined && request.body !== null) return undefined
  let schema = request.routeOptions.schema?.body as { $ref?: string, required?: unknown } | undefined
  if (typeof schema?.$ref === 'string') schema = request.server.getSchema(schema.$ref) as typeof schema
  if (!Array.isArray(schema?.required) || schema.required.length === 0) return undefined
  return schema.required.map((name) => ({
    keyword: 'required', instancePath: '', schemaPath: '#/required', params: { missingProperty: String(name) }, message: `must have required property '${String(name)}'`
  }))
}

/**
 * Turns anything thrown into the envelope, logging server faults with the request id; a failing
 * database or a full pool is logged once per interval, with the number of requests it affected.
 */
export function toAppError (error: FastifyError & { code?: string }, request: FastifyRequest, outages: OutageLog): AppError {
  if (error instanceof AppError) return error
  if (error.validation !== undefined) {
    const issues = (error.validationContext === 'body' ? missingBodyIssues(request) : undefined) ?? error.validation
    return errors.INVALID_INPUT({ reason: error.validationContext, details: fieldErrors(issues) })
  }
  const mapped = fastifyCodes[error.code]
  if (mapped !== undefined) return mapped()
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return (statusCodes[status] ?? errors.BAD_REQUEST)()
  if (poolExhausted(request, error)) {
    outages.report('pool', 'warn', 'every database connection is busy: requests waited past DB_CONNECTION_TIMEOUT_MS and got 503', error)
    return errors.SERVICE_UNAVAILABLE({ reason: 'poolExhausted' })
  }
  if (isDatabaseUnavailable(error)) {
    outages.report('database', 'error', 'database unavailable: requests got 503 DATABASE_UNAVAILABLE', error)
    return errors.DATABASE_UNAVAILABLE()
  }
  if (isQueryCanceled(error)) {
    request.log.warn({ err: error }, 'query cancelled by statement timeout')
    return errors.SERVICE_UNAVAILABLE({ reason: 'queryTimeout' })
  }
  request.log.error({ err: error }, 'unhandled error')
  return errors.INTERNAL_ERROR()
}

/**
 * The error in the envelope, its message and details in the client's language (Accept-Language:
 * English or Arabic), said in Content-Language; the code never changes.
 */
export function sendError (reply: FastifyReply, error: AppError): FastifyReply {
  if (error.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '5')
  const language = preferredLanguage(reply.request.headers['accept-language'])
  const { message, details } = localized(error, language)
  const vary = reply.getHeader('vary')
  reply.header('content-language', language).header('vary', vary === undefined || vary === '' ? 'Accept-Language' : `${String(vary)}, Accept-Language`)
  return reply.code(error.statusCode).send({
    data: null,
    error: { code: error.code, message, details, request_id: reply.request.id }
  })
}

/**
 * Errors Fastify meets before routing (a malformed percent-encoded URL, an overlong path
 * segment): our hooks have not run, so the request id and security headers are set here, and
 * the answer is the envelope like any other.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, request, reply) => {
  reply.headers(securityHeaders).header('x-request-id', request.id)
  sendError(reply, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? errors.BAD_REQUEST({ reason: 'paramTooLong' }) : errors.BAD_REQUEST({ reason: 'badUrl' }))
}

/**
 * Requests Node's HTTP parser refuses (not HTTP, headers over the limit, too slow to arrive) never
 * reach Fastify: the answer is written to the socket here, still in the envelope, with a request
 * id and the security headers, and the connection is closed as Node would.
 */
export function clientErrorHandler (error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const appError = error.code === 'HPE_HEADER_OVERFLOW'
    ? errors.HEADERS_TOO_LARGE()
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? errors.REQUEST_TIMEOUT() : errors.BAD_REQUEST({ reason: 'malformed' })
  const requestId = randomUUID()
  const body = JSON.stringify({ data: null, error: { code: appError.code, message: appError.message, details: null, request_id: requestId } })
  // Before any header is parsed: English.
  const headers = Object.entries({ ...securityHeaders, 'content-language': 'en' }).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${appError.statusCode} ${STATUS_TEXT[appError.statusCode] ?? 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${requestId}\r\n${headers}Connection: close\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }

declare module 'fastify' {
  interface FastifyInstance {
    /** Any error as the AppError REST would answer with (logged and counted as REST does): for the other protocols (GraphQL). */
    appErrorOf: (error: Error, request: FastifyRequest) => AppError
  }
}

export default fp(async (app) => {
  const outages = new OutageLog(app.log, OUTAGE_LOG_INTERVAL_MS)
  app.decorate('appErrorOf', (error: Error, request: FastifyRequest) => toAppError(error as FastifyError, request, outages))
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(reply, toAppError(error, request, outages)))
  app.setNotFoundHandler((request, reply) => sendError(reply, errors.ROUTE_NOT_FOUND({ params: { method: request.method, path: request.url.split('?')[0] ?? '' } })))
}, { name: 'errors' })
