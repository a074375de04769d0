import { PassThrough } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { StreamEnd } from '#plugins/events.js'
import { EventStream } from '#src/events/stream.js'
import { sseControl, sseEvent } from '#src/events/wire.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { Event, EventStreamHeaders, EventStreamQuery, StreamTicketResponse } from '#src/schemas/events.js'
import { TenantParams } from '#src/schemas/params.js'
import { startPosition, typeFilter } from '#src/services/event-streams.js'
import { issueStreamTicket } from '#src/services/stream-tickets.js'

const tags = ['events']
/** The reconnection delay EventSource is told to use. */
const RETRY_MS = 3000

/** What the client reads last when its stream ends (EventSource reconnects by itself unless told otherwise). */
const endings: Record<StreamEnd, string> = {
  token_expired: sseControl('token_expired', { message: 'The access token expired: reconnect with a fresh token or ticket.' }),
  access_revoked: sseControl('access_revoked', { message: 'The session ended or the membership changed.' }),
  slow_consumer: '',
  shutting_down: `retry: 1000\n${sseControl('reconnect', { message: 'The server is restarting: reconnect (with Last-Event-ID) to another instance.' })}`
}

const events: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    config: { longLived: true, streamTicket: true },
    schema: {
      operationId: 'streamEvents',
      summary: 'Live events of the tenant as Server-Sent Events, resumable',
      description: 'Each event is `id: <event id>` and `data: <Event JSON>`. With `Last-Event-ID` (or `after`) the stream first replays every ' +
        'event since, in order and without duplicates, then goes live; without, it sends only new events. A position past the retention ' +
        'gets `event: reset` (refetch, then follow). Heartbeat comments every 15 s; `retry: 3000`. The stream ends with ' +
        '`event: token_expired` or `event: access_revoked`, or on shutdown with `event: reconnect`. Browsers use a ticket ' +
        '(`?ticket=`, from POST .../events/tickets), never the access token in the URL. A client that falls more than ' +
        'STREAM_MAX_QUEUE_BYTES behind is disconnected (resume with Last-Event-ID).',
      tags,
      params: TenantParams,
      querystring: EventStreamQuery,
      headers: EventStreamHeaders,
      response: {
        200: { description: 'A stream of events (text/event-stream).', content: { 'text/event-stream': { schema: ref(Event) } } },
        ...errorResponses(...TENANT_ERRORS)
      }
    }
  }, async (request, reply) => {
    const auth = request.auth
    const accepts = typeFilter(request.query.types, '/types')
    const lastEventId = request.headers['last-event-id']
    const requested = lastEventId !== undefined ? Number(lastEventId) : request.query.after
    const start = await startPosition(app.db, auth, requested)
    const expiresAt = request.authExpiresAt !== 0 ? request.authExpiresAt : app.accessExpiry(request.headers.authorization)

    const body = new PassThrough()
    const maxQueue = app.config.STREAM_MAX_QUEUE_BYTES
    body.write(`retry: ${RETRY_MS}\n\n`)
    if (start.reset !== null) body.write(sseControl('reset', start.reset))

    const stream = new EventStream({
      hub: app.events.hub,
      read: app.events.read,
      tenantId: auth.tenantId,
      after: start.after,
      accepts,
      send: (event) => body.write(sseEvent(auth.tenantId, event)) || body.writableLength <= maxQueue,
      onSlow: () => { end('slow_consumer') }
    })
    const heartbeat = setInterval(() => { body.write(': heartbeat\n\n') }, app.config.STREAM_HEARTBEAT_MS)
    let ended = false
    function end (why: StreamEnd): void {
      if (ended) return
      ended = true
      clearInterval(heartbeat)
      untrack()
      stream.close()
      if (why === 'slow_consumer') body.destroy()
      else body.end(endings[why])
    }
    const untrack = app.events.track({ auth, expiresAt, end })
    request.raw.once('close', () => { end('slow_consumer') })
    stream.run().catch((error: unknown) => {
      request.log.warn({ err: error }, 'event stream failed reading the outbox; closing it (the client resumes)')
      end('slow_consumer')
    })

    reply.header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
    return await reply.send(body)
  })

  app.post('/tickets', {
    schema: {
      operationId: 'createStreamTicket',
      summary: 'A single-use ticket to open an event stream without an Authorization header (EventSource)',
      description: 'Valid for one minute and one stream (`?ticket=` on GET .../events or .../ws); the stream ends when the access ' +
        'token used here would have expired. Not a bearer token: it opens nothing else.',
      tags,
      params: TenantParams,
      response: { 201: ref(StreamTicketResponse), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS) }
    }
  }, async (request, reply) => {
    const ticket = await issueStreamTicket(app.db, request.auth, new Date(app.accessExpiry(request.headers.authorization)))
    reply.code(201)
    return { data: ticket, error: null }
  })
}

export default events
