import { Type } from 'typebox'
import { dataEnvelope } from './envelope.js'

export const HealthResponse = dataEnvelope('HealthResponse', Type.Object({
  status: Type.Literal('ok')
}, { additionalProperties: false }))
