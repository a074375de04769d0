import { Type } from 'typebox'
import { Uuid } from './common.js'

export const TenantParams = Type.Object({ tenant_id: Uuid }, { additionalProperties: false })

export const PageQuery = {
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: '1-based page number.' }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 25, description: 'Items per page, 1 to 100.' })
}
