/**
 * The one error type of the application. Services throw it; the error plugin turns it into the
 * envelope. Codes, statuses and default messages live in one catalogue so they cannot drift.
 */
export const errorCatalogue = {
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  INVALID_CURSOR: { status: 400, message: 'The cursor is malformed or was not issued by this API.' },
  BAD_REQUEST: { status: 400, message: 'The request could not be understood.' },
  UNAUTHORIZED: { status: 401, message: 'Authentication is required.' },
  TOKEN_EXPIRED: { status: 401, message: 'The access token has expired.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is incorrect.' },
  INVALID_REFRESH_TOKEN: { status: 401, message: 'The refresh token is invalid, expired or revoked.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  TENANT_MISMATCH: { status: 403, message: 'The tenant in the path is not the tenant of your token.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No route matches this method and path.' },
  NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  PRECONDITION_FAILED: { status: 412, message: 'The resource has changed since the given ETag.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  INVALID_INPUT: { status: 422, message: 'The request did not pass validation.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry later.' },
  INTERNAL_ERROR: { status: 500, message: 'An unexpected error occurred.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable; retry later.' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable.' }
} as const satisfies Record<string, { status: number, message: string }>

export type CatalogueCode = keyof typeof errorCatalogue

export interface FieldError {
  field: string
  message: string
}

export class AppError extends Error {
  readonly code: string
  readonly statusCode: number
  readonly details: unknown

  constructor (code: string, statusCode: number, message: string, details: unknown = null) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.statusCode = statusCode
    this.details = details
  }

  /** Builds an error from the catalogue, optionally with a more specific message and details. */
  static of (code: CatalogueCode, message?: string, details: unknown = null): AppError {
    const entry = errorCatalogue[code]
    return new AppError(code, entry.status, message ?? entry.message, details)
  }
}

/** A 404 whose code names the resource: `notFound('product')` -> PRODUCT_NOT_FOUND. */
export function notFound (resource: string): AppError {
  return new AppError(`${resource.toUpperCase()}_NOT_FOUND`, 404, `No ${resource.replaceAll('_', ' ')} with this id exists in this tenant.`)
}

/** A 409 with a domain-specific code, such as EMAIL_TAKEN or ORDER_ALREADY_VOIDED. */
export function conflict (code: string, message: string, details: unknown = null): AppError {
  return new AppError(code, 409, message, details)
}

/** A 422 listing the offending fields, the same shape schema validation produces. */
export function invalidInput (details: FieldError[], message?: string): AppError {
  return AppError.of('INVALID_INPUT', message, details)
}
