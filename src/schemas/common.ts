import { Type } from 'typebox'

export const Uuid = Type.String({ format: 'uuid', description: 'A UUID (time-ordered v7 for ids this API creates).' })

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 UTC timestamp with milliseconds.', examples: ['2026-11-21T10:00:00.000Z'] })
