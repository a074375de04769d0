import { Type } from 'typebox'
import { codes, errorCatalogue, type ErrorCode } from '../errors/catalogue.js'
import { fieldError, fill, type FieldError } from '../errors/index.js'
import type { ErrorEnvelope } from './envelope.js'
import type { Static } from 'typebox'

/** Codes every route can answer: a URL HTTP cannot parse, a bug, overload or shutdown, the database down. */
const EVERY_ROUTE = [codes.BAD_REQUEST, codes.INTERNAL_ERROR, codes.SERVICE_UNAVAILABLE, codes.DATABASE_UNAVAILABLE] as const satisfies readonly ErrorCode[]
/** Every route that needs `Authorization: Bearer <access token>`: the token's checks and the user and tenant budgets. */
export const BEARER_ERRORS = [codes.UNAUTHORIZED, codes.TOKEN_EXPIRED, codes.TOKEN_REVOKED, codes.RATE_LIMITED] as const satisfies readonly ErrorCode[]
/** Every route under /tenants/{tenant_id}: also the path's tenant against the token's, and the path's ids validated. */
export const TENANT_ERRORS = [...BEARER_ERRORS, codes.TENANT_MISMATCH, codes.INVALID_INPUT] as const satisfies readonly ErrorCode[]
/** Every route that takes a JSON body. */
export const BODY_ERRORS = [codes.INVALID_JSON, codes.PAYLOAD_TOO_LARGE, codes.UNSUPPORTED_MEDIA_TYPE, codes.INVALID_INPUT] as const satisfies readonly ErrorCode[]
/** Every write that honours an Idempotency-Key (src/services/idempotency.ts). */
export const IDEMPOTENT_ERRORS = [codes.IDEMPOTENCY_IN_PROGRESS, codes.IDEMPOTENCY_KEY_REUSED] as const satisfies readonly ErrorCode[]

/** The statuses an error response can have: those of the catalogue. */
export type ErrorStatus = (typeof errorCatalogue)[ErrorCode]['status']

const statusDescriptions: Record<ErrorStatus, string> = {
  400: 'The request cannot be parsed.',
  401: 'Missing, malformed, expired or revoked credentials.',
  403: 'Authenticated, but not allowed.',
  404: 'No such resource in this tenant.',
  409: 'Conflicts with the current state; nothing was changed.',
  412: 'If-Match did not match the current ETag; nothing was changed.',
  413: 'The body is over the size limit.',
  415: 'The body is not application/json.',
  422: 'Validation failed; `details` lists every failing field.',
  429: 'Rate limited; retry after Retry-After seconds.',
  500: 'Unexpected failure.',
  408: 'The request did not arrive in time.',
  431: 'The request headers are over the size limit.',
  503: 'Overloaded, shutting down, or a dependency is down; retry after Retry-After seconds.'
}

/** Example `details` for the codes that carry some; the others have `details: null`. */
const exampleDetails: Partial<Record<ErrorCode, FieldError[]>> = {
  [codes.INVALID_INPUT]: [{ field: '/price_cents', message: 'must be >= 0' }],
  [codes.INSUFFICIENT_STOCK]: [fieldError('/items/0/quantity', 'onlyInStock', { stock: 2 }, { product_id: '0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b', requested: 3, available: 2 })]
}

/** Values for the `{name}` placeholders of catalogue messages, in examples. */
const exampleParams: Record<string, string> = { limit: '20', role: 'admin', method: 'GET', path: '/api/v1/nothing-here' }

type ErrorEnvelopeType = Static<typeof ErrorEnvelope>

function exampleOf (code: ErrorCode): { summary: string, value: ErrorEnvelopeType } {
  const message = fill(errorCatalogue[code].message, exampleParams)
  return {
    summary: code,
    value: { data: null, error: { code, message, details: (exampleDetails[code] ?? null) as ErrorEnvelopeType['error']['details'], request_id: '9b2f1c3e-7d4a-4e8b-a1f0-5c6d7e8f9a0b' } }
  }
}

function errorResponse (status: ErrorStatus, codes: readonly ErrorCode[]) {
  const list = codes.map((code) => `\`${code}\``).join(', ')
  return Type.Unsafe<ErrorEnvelopeType>({
    $ref: 'ErrorResponse',
    description: `${statusDescriptions[status]} Codes: ${list}.`,
    'x-examples': Object.fromEntries(codes.map((code) => [code, exampleOf(code)]))
  })
}

/**
 * The error responses of a route, from the codes it can answer (with the codes every route can):
 * one response per status, the shared ErrorResponse, described with its codes and an example of
 * each. Routes list their codes; the statuses follow from the error catalogue.
 */
export function errorResponses (...codes: ErrorCode[]): Partial<Record<ErrorStatus, ReturnType<typeof errorResponse>>> {
  const byStatus = new Map<ErrorStatus, Set<ErrorCode>>()
  for (const code of [...codes, ...EVERY_ROUTE]) {
    const { status } = errorCatalogue[code]
    const group = byStatus.get(status) ?? new Set<ErrorCode>()
    group.add(code)
    byStatus.set(status, group)
  }
  const responses: Partial<Record<ErrorStatus, ReturnType<typeof errorResponse>>> = {}
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) responses[status] = errorResponse(status, [...byStatus.get(status) ?? []])
  return responses
}
