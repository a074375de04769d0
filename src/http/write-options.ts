import type { FastifyRequest } from 'fastify'
import type { WriteOptions } from '../services/idempotency.js'

/**
 * An AbortSignal that aborts once this request has been answered 503 by the handler timeout
 * (plugins/in-flight.ts), not when its client disconnects: that work completes, and a retry with
 * the same Idempotency-Key replays it. Created on first use, so only the handlers that pass it on
 * pay for it (Fastify's own `request.signal` also aborts on every close).
 */
export function timeoutSignal (request: Pick<FastifyRequest, 'timeoutController'>): AbortSignal {
  request.timeoutController ??= new AbortController()
  return request.timeoutController.signal
}

/** The Idempotency-Key and the timeout signal of a write that must not commit after its client was told it failed. */
export function writeOptions (request: Pick<FastifyRequest, 'timeoutController'> & { headers: { 'idempotency-key'?: string | undefined } }): WriteOptions {
  return { idempotencyKey: request.headers['idempotency-key'], signal: timeoutSignal(request) }
}
