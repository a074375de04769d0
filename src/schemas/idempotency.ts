import { Type } from 'typebox'

/** 1 to 255 visible ASCII characters (no spaces); a UUID per logical request is a good choice. */
export const IdempotencyKey = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7E]+$',
  description: 'Makes retries safe: the first response is stored for 24 hours (per tenant and key), and a retry with the same key and the same request gets it again, ' +
    'marked `Idempotent-Replayed: true`, without doing anything twice. The same key with a different request is 422 IDEMPOTENCY_KEY_REUSED; while the first request ' +
    'is still running a retry waits for it, or gets 409 IDEMPOTENCY_IN_PROGRESS. Only successes are stored: after an error nothing happened, and a retry runs afresh. ' +
    '1 to 255 visible ASCII characters, else 422.',
  examples: ['0b9f6c1e-5d1a-4f57-9a59-3c1d2e8f7a10']
})

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(IdempotencyKey)
})
