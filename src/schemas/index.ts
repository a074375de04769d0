import { CursorMeta, ErrorBody, ErrorDetail, ErrorEnvelope, PageMeta } from './envelope.js'
import { HealthResponse, ReadinessResponse } from './system.js'
import { eventSchemas } from './events.js'
import { identitySchemas } from './identity.js'
import { locationSchemas } from './locations.js'
import { orderSchemas } from './orders.js'
import { productSchemas } from './products.js'
import { taskSchemas } from './tasks.js'
import { webhookSchemas } from './webhooks.js'

/** Schemas registered once with `app.addSchema`, referenced by `$id`, and named in OpenAPI. */
export const sharedSchemas = [ErrorDetail, ErrorBody, ErrorEnvelope, PageMeta, CursorMeta, HealthResponse, ReadinessResponse, ...identitySchemas, ...productSchemas, ...locationSchemas, ...taskSchemas, ...orderSchemas, ...eventSchemas, ...webhookSchemas]

export { Timestamp, Uuid } from './fields.js'
export * from './envelope.js'
export { BEARER_ERRORS, BODY_ERRORS, errorResponses, IDEMPOTENT_ERRORS, TENANT_ERRORS } from './error-responses.js'
export * from './system.js'
export { ref } from './ref.js'
