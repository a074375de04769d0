import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '#src/errors/index.js'
import { ArrivalList, type ArrivalLinks } from '#src/http/arrival-list.js'
import { hooksOf } from '#src/http/route-hooks.js'
import { sendError } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests received and not yet answered (or abandoned by their client). */
    readonly inFlight: {
      readonly count: number
      forEach: (visit: (reply: FastifyReply) => void) => void
      /** Takes a request that became a long-lived stream off the list (as `config.longLived` does for a whole route): a GraphQL subscription's upgrade. */
      forget: (request: FastifyRequest) => void
    }
  }
  interface FastifyRequest extends ArrivalLinks<FastifyRequest> {
    /** The reply of a request in flight (null once it is off the list). */
    inFlightReply: FastifyReply | null
    /** Date.now() when the request arrived, for the handler timeout. */
    receivedAt: number
    /** Set by timeoutSignal() (src/http/write-options.ts) for the requests whose work watches the handler timeout. */
    timeoutController: AbortController | null
  }
}

/**
 * Tracks the requests in flight and answers any that takes longer than HANDLER_TIMEOUT_MS with
 * 503 SERVICE_UNAVAILABLE (in the envelope, with Retry-After); once that answer is out,
 * `timeoutSignal(request)` aborts, so work that watches it is rolled back instead of committed.
 * DB_STATEMENT_TIMEOUT_MS, which is shorter, cancels a query itself, so a slow query cannot hold
 * a pool connection past it.
 *
 * Fastify's own `handlerTimeout` does the same with an AbortController, a timer and a 'close'
 * listener per request, which showed in CPU profiles of small requests. Every request has the
 * same limit, so requests expire in the order they arrived: a list threaded through the requests
 * (src/http/arrival-list.ts, which says why not a Map) and a single timer set for the oldest
 * deadline do the job, at a few pointer writes per request.
 */
export default fp(async (app) => {
  const timeoutMs = app.config.HANDLER_TIMEOUT_MS
  const pending = new ArrivalList<FastifyRequest>()
  let timer: NodeJS.Timeout | undefined

  function release (request: FastifyRequest): void {
    pending.remove(request)
    request.inFlightReply = null
  }

  function schedule (now: number): void {
    const oldest = pending.oldest
    if (oldest === null) return
    timer = setTimeout(expire, Math.max(1, oldest.receivedAt + timeoutMs - now))
    timer.unref()
  }

  function expire (): void {
    timer = undefined
    const now = Date.now()
    for (let request = pending.oldest; request !== null && request.receivedAt + timeoutMs <= now; request = pending.oldest) {
      const reply = request.inFlightReply
      release(request)
      if (reply === null || reply.sent) continue
      if (reply.raw.headersSent) {
        // A response already on its way cannot become an error response; end it.
        reply.raw.destroy()
        continue
      }
      sendError(reply, errors.SERVICE_UNAVAILABLE({ reason: 'queryTimeout' }))
      request.timeoutController?.abort()
    }
    schedule(now)
  }

  app.decorateRequest('receivedAt', 0)
  app.decorateRequest('timeoutController', null)
  app.decorateRequest('inFlightReply', null)
  app.decorateRequest('arrivalPrev', null)
  app.decorateRequest('arrivalNext', null)
  app.decorate('inFlight', {
    get count () { return pending.size },
    forEach: (visit: (reply: FastifyReply) => void) => {
      pending.forEach((request) => { if (request.inFlightReply !== null) visit(request.inFlightReply) })
    },
    forget: (request: FastifyRequest) => { release(request) }
  })

  app.addHook('onRequest', (request, reply, done) => {
    request.receivedAt = Date.now()
    request.inFlightReply = reply
    pending.append(request)
    if (timer === undefined) schedule(request.receivedAt)
    done()
  })
  app.addHook('onResponse', (request, _reply, done) => {
    release(request)
    done()
  })
  // Event streams stay open by design and end themselves (token expiry, revocation, shutdown):
  // their own first hook takes them off the list. (Reading request.routeOptions in the hook above
  // instead would build an object on every request.)
  const releaseStream = (request: FastifyRequest, _reply: FastifyReply, done: () => void): void => {
    release(request)
    done()
  }
  app.addHook('onRoute', (route) => {
    if (route.config?.longLived !== true) return
    route.onRequest = [releaseStream, ...hooksOf(route.onRequest)]
  })
  // A client that disconnects before the answer gets no onResponse.
  app.addHook('onRequestAbort', (request, done) => {
    release(request)
    done()
  })
  app.addHook('onClose', async () => { clearTimeout(timer) })
}, { name: 'in-flight', dependencies: ['config', 'errors'] })
