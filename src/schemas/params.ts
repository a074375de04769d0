import { Type } from 'typebox'
import { Uuid } from './fields.js'

export const TenantParams = Type.Object({ tenant_id: Uuid }, { additionalProperties: false })

/** Path parameters of a tenant-owned resource: `/tenants/{tenant_id}/<things>/{<id>}`. */
export function resourceParams<K extends string> (idName: K) {
  return Type.Object({ tenant_id: Uuid, [idName]: Uuid } as { tenant_id: typeof Uuid } & Record<K, typeof Uuid>, { additionalProperties: false })
}

export const PageQuery = {
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: '1-based page number.' }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 25, description: 'Items per page, 1 to 100.' })
}

/** A cursor this API issued is about 120 characters; the bound leaves room, and longer ones are 422. */
export const CursorParam = Type.String({ maxLength: 1024, description: 'meta.next_cursor of the previous page; a malformed or altered cursor is 400 INVALID_CURSOR.' })

/** Room for a list of a few dozen ETags. */
const ENTITY_TAGS_MAX = 1024

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ maxLength: ENTITY_TAGS_MAX, description: 'The ETag last read; a stale one answers 412 and changes nothing.' }))
})

export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ maxLength: ENTITY_TAGS_MAX, description: 'An ETag already held; answers 304 when it is current.' }))
})

export const NoContent = Type.Null({ description: 'Done; no body.' })
export const NotModified = Type.Null({ description: 'Not modified: the ETag in If-None-Match is current.' })
