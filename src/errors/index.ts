import { errorCatalogue, type ErrorCode, type ReasonOf } from './catalogue.js'
import { fieldMessages, type FieldMessageKey } from './field-messages.js'

export { codes, errorCatalogue, type ErrorCode } from './catalogue.js'

export type ErrorParams = Record<string, string | number>

/** Where a detail's message comes from, so it can be said in the client's language (src/errors/language.ts). */
export type DetailSource =
  | { kind: 'field', key: FieldMessageKey, params: ErrorParams | undefined }
  | { kind: 'validation', keyword: string, params: Record<string, unknown> }

/** A symbol, so the source never reaches the JSON body (serializers write string keys only). */
export const detailSource = Symbol('detailSource')

/** One problem with one input, the shape schema validation produces: `{ field: '/price_cents', message }`. */
export interface FieldError {
  field: string
  message: string
  /** Some codes add facts a client can act on (INSUFFICIENT_STOCK: product_id, requested, available). */
  [extra: string]: unknown
  [detailSource]?: DetailSource
}

export interface ErrorOptions<C extends ErrorCode> {
  /** A more specific message of this code, from its `reasons` in the catalogue. */
  reason?: ReasonOf<C>
  /** Values for the `{name}` placeholders of the message. */
  params?: ErrorParams
  details?: FieldError[] | null
}

/** A catalogue entry's message (in any language): the reason's when it has one, filled from the params. */
export function messageOf (entry: { message: string, reasons?: Record<string, string> }, reason: string | undefined, params: ErrorParams | undefined): string {
  return fill(reason === undefined ? entry.message : entry.reasons?.[reason] ?? entry.message, params)
}

export function fill (template: string, params: ErrorParams | undefined): string {
  if (params === undefined) return template
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(params[name] ?? placeholder))
}

/**
 * The one error type of the application. Services throw it, the error plugin turns it into the
 * envelope; code, status and message always come from the catalogue. Build it through `errors`.
 */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly reason: string | undefined
  readonly params: ErrorParams | undefined
  readonly details: FieldError[] | null

  constructor (code: ErrorCode, options: { reason?: string | undefined, params?: ErrorParams | undefined, details?: FieldError[] | null | undefined } = {}) {
    super(messageOf(errorCatalogue[code], options.reason, options.params))
    this.name = 'AppError'
    this.code = code
    this.statusCode = errorCatalogue[code].status
    this.reason = options.reason
    this.params = options.params
    this.details = options.details ?? null
  }
}

type ErrorFactory<C extends ErrorCode> = (options?: ErrorOptions<C>) => AppError

/** `errors.LAST_OWNER()`, `errors.FORBIDDEN({ reason: 'guestReadOnly' })`: one factory per catalogue code. */
export const errors = Object.fromEntries(
  Object.keys(errorCatalogue).map((code) => [code, (options?: ErrorOptions<ErrorCode>) => new AppError(code as ErrorCode, options)])
) as { readonly [C in ErrorCode]: ErrorFactory<C> }

/** A detail whose message is one of the catalogue's field messages (src/errors/field-messages.ts), in English; other languages at send time. */
export function fieldError (field: string, key: FieldMessageKey, params?: ErrorParams, facts: Record<string, unknown> = {}): FieldError {
  return { field, message: fill(fieldMessages[key].en, params), ...facts, [detailSource]: { kind: 'field', key, params } }
}
