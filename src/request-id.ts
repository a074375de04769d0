import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/

/** Accepts the client's X-Request-ID when it is a plain token of sane length, else makes a UUID. */
export function requestIdFrom (request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID()
}
