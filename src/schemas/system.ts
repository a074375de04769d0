import { Type } from 'typebox'
import { dataEnvelope } from './envelope.js'

export const HealthResponse = dataEnvelope('HealthResponse', Type.Object({
  status: Type.Literal('ok')
}, { additionalProperties: false }))

export const ReadinessResponse = dataEnvelope('ReadinessResponse', Type.Object({
  status: Type.Enum(['ok', 'degraded'], { description: 'degraded: serving, but without Redis (rate limits per instance, no shared cache).' }),
  database: Type.Literal('ok'),
  redis: Type.Enum(['ok', 'unavailable', 'not_configured'])
}, { additionalProperties: false }))
