import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import { AppError, type CatalogueCode, type FieldError } from '#src/errors.js'

/** Fastify's own error codes that mean something specific to a client. */
const fastifyCodes: Record<string, CatalogueCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_HANDLER_TIMEOUT: 'SERVICE_UNAVAILABLE'
}

/** Any other client error status Fastify or a plugin raises, by status. */
const statusCodes: Record<number, CatalogueCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE'
}

/** pg / network failures that mean "the database is not there", not "the code is wrong". */
const DATABASE_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'])
const QUERY_CANCELED = '57014'
const MAX_DETAILS = 50

/** The alternatives a nullable field (`anyOf: [T, null]`) adds when its value fits neither. */
function isNullableNoise (issue: FastifySchemaValidationError): boolean {
  return issue.keyword === 'anyOf' || (issue.keyword === 'type' && issue.params.type === 'null')
}

/**
 * A bad value for a nullable field fails every branch of its union; one detail says what is wrong
 * ("must NOT have more than 200 characters", "must be string or null"), not three.
 */
function withoutNullableNoise (validation: FastifySchemaValidationError[]): FastifySchemaValidationError[] {
  const specific = new Set(validation.filter((issue) => !isNullableNoise(issue)).map((issue) => issue.instancePath))
  const nullable = new Set(validation.filter((issue) => issue.keyword === 'type' && issue.params.type === 'null').map((issue) => issue.instancePath))
  return validation
    .filter((issue) => !(isNullableNoise(issue) && specific.has(issue.instancePath)))
    .map((issue) => issue.keyword === 'type' && issue.params.type !== 'null' && nullable.has(issue.instancePath)
      ? { ...issue, message: `must be ${String(issue.params.type)} or null` }
      : issue)
}

/** One detail per field: the first complaint (a bad date-time fails both its format and its pattern). */
function fieldErrors (validation: FastifySchemaValidationError[]): FieldError[] {
  const seen = new Set<string>()
  return withoutNullableNoise(validation).map((issue) => {
    const params = issue.params
    let field = issue.instancePath
    let message = issue.message ?? 'is invalid'
    if (issue.keyword === 'required') field += `/${String(params.missingProperty)}`
    if (issue.keyword === 'additionalProperties') {
      field += `/${String(params.additionalProperty)}`
      message = 'is not an allowed property'
    }
    if (issue.keyword === 'enum' && Array.isArray(params.allowedValues)) message = `must be one of: ${params.allowedValues.join(', ')}`
    return { field: field === '' ? '/' : field, message }
  }).filter((detail) => {
    if (seen.has(detail.field)) return false
    seen.add(detail.field)
    return true
  }).slice(0, MAX_DETAILS)
}

function isDatabaseDown (error: Error & { code?: string }): boolean {
  return (error.code !== undefined && DATABASE_DOWN.has(error.code)) ||
    error.message.includes('timeout exceeded when trying to connect') ||
    error.message.includes('Connection terminated')
}

/** Turns anything thrown into the envelope, logging server faults with the request id. */
export function toAppError (error: FastifyError & { code?: string }, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error
  if (error.validation !== undefined) {
    return AppError.of('INVALID_INPUT', `The ${error.validationContext ?? 'request'} did not pass validation.`, fieldErrors(error.validation))
  }
  const mapped = fastifyCodes[error.code]
  if (mapped !== undefined) return AppError.of(mapped)
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return AppError.of(statusCodes[status] ?? 'BAD_REQUEST')
  if (isDatabaseDown(error)) {
    request.log.error({ err: error }, 'database unavailable')
    return AppError.of('DATABASE_UNAVAILABLE')
  }
  if (error.code === QUERY_CANCELED) {
    request.log.warn({ err: error }, 'query cancelled by statement timeout')
    return AppError.of('SERVICE_UNAVAILABLE', 'The request took too long and was cancelled; retry later.')
  }
  request.log.error({ err: error }, 'unhandled error')
  return AppError.of('INTERNAL_ERROR')
}

export function sendError (reply: FastifyReply, error: AppError): FastifyReply {
  if (error.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '5')
  return reply.code(error.statusCode).send({
    data: null,
    error: { code: error.code, message: error.message, details: error.details ?? null, request_id: reply.request.id }
  })
}

export default fp(async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(reply, toAppError(error, request)))
  app.setNotFoundHandler((request, reply) => sendError(reply, AppError.of('ROUTE_NOT_FOUND', `No route matches ${request.method} ${request.url.split('?')[0] ?? ''}.`)))
}, { name: 'errors' })
