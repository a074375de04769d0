/**
 * Every error code the API can answer with: its HTTP status, its default message, and the more
 * specific messages (`reasons`) a throw site may pick instead. Nothing else in the code writes a
 * code or an error message: throw sites name an entry (`errors.LAST_OWNER()`), and the OpenAPI
 * document and the translations are built from this table. `{name}` in a message is filled from
 * the error's params.
 */
interface CatalogueEntry {
  status: number
  message: string
  reasons?: Record<string, string>
}

export const errorCatalogue = {
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  INVALID_CURSOR: { status: 400, message: 'The cursor is malformed or was not issued by this API; start again without one.' },
  BAD_REQUEST: {
    status: 400,
    message: 'The request could not be understood.',
    reasons: {
      badUrl: 'The URL is not valid: it has a malformed percent-encoded character.',
      paramTooLong: 'A path segment of the URL is longer than 200 characters.',
      malformed: 'The request is not valid HTTP.'
    }
  },
  GRAPHQL_INVALID: {
    status: 400,
    message: 'The GraphQL request is not valid.',
    reasons: {
      tooDeep: 'The query nests fields {depth} levels deep; at most {max} are allowed.',
      tooManyAliases: 'The query has {count} aliases; at most {max} are allowed.',
      tooComplex: 'The query would cost {cost}, above the limit of {max}: a field costs 1, times the page size of every list above it.',
      batched: 'Send one operation per request: batched operations are not accepted.'
    }
  },
  PERSISTED_QUERY_NOT_FOUND: { status: 400, message: 'No query is known for this hash: send the query with its hash once.' },

  UNAUTHORIZED: {
    status: 401,
    message: 'Authentication is required.',
    reasons: {
      missingToken: 'Send an access token as "Authorization: Bearer <token>".',
      invalidToken: 'The access token is invalid.',
      invalidTicket: 'The stream ticket is unknown, used or expired; request a new one.',
      accountGone: 'This account no longer exists.',
      metricsToken: 'Send the metrics token as "Authorization: Bearer <token>".'
    }
  },
  TOKEN_EXPIRED: { status: 401, message: 'The access token has expired.' },
  TOKEN_REVOKED: { status: 401, message: 'The access token is no longer valid: its session ended or the membership changed. Refresh it, or sign in again.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is incorrect.' },
  INVALID_REFRESH_TOKEN: {
    status: 401,
    message: 'The refresh token is invalid, expired or revoked.',
    reasons: { reused: 'This refresh token was already used; every session in its family has been revoked.' }
  },

  FORBIDDEN: {
    status: 403,
    message: 'You are not allowed to do this.',
    reasons: {
      roleRequired: 'This needs the {role} role or higher.',
      guestReadOnly: 'Guests have read-only access.',
      ownCreationsOnly: 'Members can only change what they created.',
      ownerRoleOnly: 'Only an owner can grant, change or remove the owner role.',
      noTenant: 'This account is not a member of any tenant.',
      notAMember: 'You are not a member of this tenant.',
      voidOwnOrdersOnly: 'Members can only void orders they created.',
      payOwnOrdersOnly: 'Members can only pay for orders they created.',
      voidPaidOrder: 'Only admins and owners can void a paid order.',
      streamTokenMismatch: 'The token must be for the same user and tenant as the stream.'
    }
  },
  TENANT_MISMATCH: { status: 403, message: 'The tenant in the path is not the tenant of your token.' },

  ROUTE_NOT_FOUND: { status: 404, message: 'No route matches {method} {path}.' },
  NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  TENANT_NOT_FOUND: { status: 404, message: 'This tenant no longer exists.' },
  MEMBER_NOT_FOUND: { status: 404, message: 'No member with this id exists in this tenant.' },
  USER_NOT_FOUND: { status: 404, message: 'No account uses this email; the person must register first.' },
  PRODUCT_NOT_FOUND: { status: 404, message: 'No product with this id exists in this tenant.' },
  LOCATION_NOT_FOUND: { status: 404, message: 'No location with this id exists in this tenant.' },
  TASK_NOT_FOUND: { status: 404, message: 'No task with this id exists in this tenant.' },
  ORDER_NOT_FOUND: { status: 404, message: 'No order with this id exists in this tenant.' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'No webhook with this id exists in this tenant.' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, message: 'No delivery with this id exists for this webhook.' },

  EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists.' },
  ALREADY_A_MEMBER: { status: 409, message: 'This user is already a member of the tenant.' },
  LAST_OWNER: { status: 409, message: 'A tenant must keep at least one owner: make someone else an owner first.' },
  SKU_TAKEN: { status: 409, message: 'Another product in this tenant has this SKU.' },
  PRODUCT_IN_USE: { status: 409, message: 'Orders refer to this product; it cannot be deleted.' },
  LOCATION_IN_USE: { status: 409, message: 'Orders were placed at this location; deactivate it instead of deleting it.' },
  LOCATION_INACTIVE: { status: 409, message: 'This location is inactive and takes no orders.' },
  INSUFFICIENT_STOCK: { status: 409, message: 'Not enough stock for some products; nothing was ordered.' },
  ORDER_ALREADY_VOIDED: { status: 409, message: 'This order is already voided.' },
  ORDER_VOIDED: { status: 409, message: 'A voided order cannot be paid.' },
  ORDER_ALREADY_PAID: { status: 409, message: 'This order is already paid.' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, message: 'A request with this Idempotency-Key is still being processed; retry in a moment.' },
  WEBHOOK_LIMIT_REACHED: { status: 409, message: 'This tenant already has {limit} webhooks; delete one first.' },
  WEBHOOK_INACTIVE: { status: 409, message: 'The webhook is inactive: re-enable it (PATCH active=true) before redelivering.' },

  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time.' },
  PRECONDITION_FAILED: {
    status: 412,
    message: 'The resource has changed since the given ETag.',
    reasons: { changedDuringWrite: 'The resource changed while it was being written; fetch it and retry.' }
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are larger than the limit.' },

  INVALID_INPUT: {
    status: 422,
    message: 'The request did not pass validation.',
    reasons: {
      body: 'The body did not pass validation.',
      querystring: 'The querystring did not pass validation.',
      params: 'The params did not pass validation.',
      headers: 'The headers did not pass validation.',
      duplicateProducts: 'Each product may appear only once in an order.',
      unknownProducts: 'Some products do not exist in this tenant.',
      mixedCurrencies: 'All products of an order must be priced in the same currency.',
      webhookUrl: 'The webhook URL is not allowed.',
      unknownEventTypes: 'Some event types are not known.'
    }
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This Idempotency-Key was already used for a different request; use a new key for a new request.' },

  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests; retry later.',
    reasons: {
      anonymous: 'Too many requests from your address; retry later.',
      tenant: 'This tenant has used its request budget for now; retry later.',
      user: 'Too many requests for this user; retry later.',
      credentials: 'Too many sign-in attempts for this account from your address; retry later.',
      subscriptions: 'This socket already holds {max} subscriptions; complete one first.'
    }
  },

  INTERNAL_ERROR: { status: 500, message: 'An unexpected error occurred.' },

  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'The service is temporarily unavailable; retry later.',
    reasons: {
      overloaded: 'The server is overloaded; retry later.',
      shuttingDown: 'The server is shutting down; retry on another instance.',
      slowConsumer: 'The subscription fell too far behind; subscribe again after the last event id received.',
      queryTimeout: 'The request took too long and was cancelled; retry later.',
      poolExhausted: 'Every database connection is busy; retry in a moment.',
      notReadyOverloaded: 'The server is overloaded.',
      notReadyShuttingDown: 'The server is shutting down.'
    }
  },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable.' }
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCode = keyof typeof errorCatalogue

/** Every code by name (`codes.PRODUCT_NOT_FOUND`), for the places that list codes rather than throw them (the document). */
export const codes = Object.fromEntries(Object.keys(errorCatalogue).map((code) => [code, code])) as { readonly [C in ErrorCode]: C }

/** The reasons a code offers (never for codes without any). */
export type ReasonOf<C extends ErrorCode> = (typeof errorCatalogue)[C] extends { reasons: infer R } ? keyof R & string : never
