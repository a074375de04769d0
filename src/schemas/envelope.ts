import { Type, type TSchema } from 'typebox'
import { errorCatalogue, type ErrorCode } from '../errors/catalogue.js'
import { ref } from './ref.js'

export const ErrorDetail = Type.Object({
  field: Type.Optional(Type.String({ description: 'JSON pointer to the offending input, e.g. /price_cents.' })),
  message: Type.Optional(Type.String())
}, { $id: 'ErrorDetail', additionalProperties: true, description: 'One problem with the request; some codes add fields (e.g. INSUFFICIENT_STOCK adds product_id and available).' })

export const ErrorBody = Type.Object({
  code: Type.Enum(Object.keys(errorCatalogue) as ErrorCode[], { description: 'Stable SCREAMING_SNAKE_CASE code; clients may key on it.' }),
  message: Type.String(),
  details: Type.Union([Type.Array(ref(ErrorDetail)), Type.Null()]),
  request_id: Type.String()
}, { $id: 'Error', additionalProperties: false })

export const ErrorEnvelope = Type.Object({
  data: Type.Null(),
  error: ref(ErrorBody)
}, { $id: 'ErrorResponse', additionalProperties: false, description: 'The envelope of every error response.' })

export const PageMeta = Type.Object({
  page: Type.Integer({ minimum: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100 }),
  total: Type.Integer({ minimum: 0 }),
  total_pages: Type.Integer({ minimum: 0 })
}, { $id: 'PageMeta', additionalProperties: false })

export const CursorMeta = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100 }),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' })
}, { $id: 'CursorMeta', additionalProperties: false })

/** `{ data: T, error: null }`, named so generated clients get a real type name. */
export function dataEnvelope<T extends TSchema> (name: string, data: T) {
  return Type.Object({ data, error: Type.Null() }, { $id: name, additionalProperties: false })
}

/** A page holds at most this many items (`page_size` and `limit` allow up to 100). */
const PAGE_MAX = 100

export function pageEnvelope<T extends TSchema> (name: string, item: T) {
  return Type.Object({ data: Type.Array(item, { maxItems: PAGE_MAX }), meta: ref(PageMeta), error: Type.Null() }, { $id: name, additionalProperties: false })
}

export function cursorEnvelope<T extends TSchema> (name: string, item: T) {
  return Type.Object({ data: Type.Array(item, { maxItems: PAGE_MAX }), meta: ref(CursorMeta), error: Type.Null() }, { $id: name, additionalProperties: false })
}
