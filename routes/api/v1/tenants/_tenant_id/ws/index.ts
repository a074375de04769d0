import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { OpenStream, StreamEnd } from '#plugins/events.js'
import { EventStream } from '#src/events/stream.js'
import { eventJson } from '#src/events/wire.js'
import { closeCodes, parseClientMessage, type ClientMessage } from '#src/events/ws-protocol.js'
import { AppError, errors } from '#src/errors/index.js'
import { TenantParams } from '#src/schemas/params.js'
import { startPosition, typeFilter } from '#src/services/event-streams.js'

const CLOSE_GRACE_MS = 5000

const endings: Record<StreamEnd, { code: number, reason: string }> = {
  token_expired: closeCodes.tokenExpired,
  access_revoked: closeCodes.accessRevoked,
  slow_consumer: closeCodes.slowConsumer,
  shutting_down: closeCodes.shuttingDown
}

/**
 * The tenant's events over WebSocket (protocol: src/events/ws-protocol.ts). The upgrade request
 * passes the same hooks as every route under the tenant (token or ticket, tenant match, rate
 * limit), so a refused one gets its HTTP error instead of a socket. (@fastify/websocket is
 * registered once, by src/app.ts, for this route and GraphQL's subscriptions.)
 */
const ws: FastifyPluginAsyncTypebox = async (app) => {
  const maxQueue = app.config.STREAM_MAX_QUEUE_BYTES

  // An upgrade refused by a hook (401, 403, 429...) is answered on the raw socket, which nothing
  // would close: @fastify/websocket's own clean-up runs only once its onRequest hook has, and the
  // guards run before it. (An accepted upgrade is hijacked and never gets here.)
  app.addHook('onResponse', (request, _reply, done) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket.end()
    done()
  })

  app.get('', {
    websocket: true,
    config: { longLived: true, streamTicket: true },
    schema: { params: TenantParams, querystring: Type.Object({ ticket: Type.Optional(Type.String({ maxLength: 100 })) }) }
  }, (socket, request) => {
    const tenantId = request.auth.tenantId
    const session: OpenStream = {
      auth: request.auth,
      expiresAt: request.authExpiresAt !== 0 ? request.authExpiresAt : app.accessExpiry(request.headers.authorization),
      end: (why) => { close(endings[why]) }
    }
    let current: EventStream | undefined
    let alive = true
    const say = (message: object): void => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message)) }
    const sayError = (error: AppError): void => { say({ type: 'error', code: error.code, message: error.message, details: error.details }) }

    const untrack = app.events.track(session)
    const pinger = setInterval(() => {
      if (!alive) return close(closeCodes.unresponsive)
      alive = false
      socket.ping()
    }, app.config.STREAM_HEARTBEAT_MS)
    socket.on('pong', () => { alive = true })

    function stop (): void {
      current?.close()
      current = undefined
    }
    function close (ending: { code: number, reason: string }): void {
      stop()
      if (socket.readyState === socket.OPEN) socket.close(ending.code, ending.reason)
      // The close frame waits behind what is queued: a client that does not read it within the
      // grace is cut off, so the queue never lives longer than that.
      setTimeout(() => { socket.terminate() }, CLOSE_GRACE_MS).unref()
    }
    socket.on('close', () => {
      stop()
      clearInterval(pinger)
      untrack()
    })

    async function subscribe (message: Extract<ClientMessage, { type: 'subscribe' }>): Promise<void> {
      const accepts = typeFilter(message.types, '/types')
      stop()
      const start = await startPosition(app.db, session.auth, message.after)
      if (start.reset !== null) say({ type: 'reset', ...start.reset })
      say({ type: 'subscribed', after: start.after })
      const stream = new EventStream({
        hub: app.events.hub,
        read: app.events.read,
        tenantId,
        after: start.after,
        accepts,
        send: (event) => {
          socket.send(`{"type":"event","event":${eventJson(tenantId, event)}}`)
          return socket.bufferedAmount <= maxQueue
        },
        onSlow: () => { close(closeCodes.slowConsumer) }
      })
      current = stream
      stream.run().catch((error: unknown) => {
        request.log.warn({ err: error }, 'websocket stream failed reading the outbox; closing it (the client resumes)')
        close(closeCodes.shuttingDown)
      })
    }

    async function reauthenticate (token: string): Promise<void> {
      const authorization = `Bearer ${token}`
      const fresh = await app.authorize(authorization)
      if (fresh.tenantId !== tenantId || fresh.userId !== session.auth.userId) {
        sayError(errors.FORBIDDEN({ reason: 'streamTokenMismatch' }))
        return
      }
      session.auth = fresh
      session.expiresAt = app.accessExpiry(authorization)
      say({ type: 'authenticated', expires_at: new Date(session.expiresAt).toISOString() })
    }

    async function handle (message: ClientMessage): Promise<void> {
      if (message.type === 'ping') say({ type: 'pong' })
      else if (message.type === 'unsubscribe') {
        stop()
        say({ type: 'unsubscribed' })
      } else if (message.type === 'auth') await reauthenticate(message.token)
      else await subscribe(message)
    }

    socket.on('message', (data, isBinary) => {
      const message = isBinary ? 'send text messages' : parseClientMessage(data.toString())
      if (typeof message === 'string') return sayError(errors.INVALID_INPUT({ details: [{ field: '/', message }] }))
      handle(message).catch((error: unknown) => {
        if (error instanceof AppError) return sayError(error)
        request.log.error({ err: error }, 'websocket message failed')
        sayError(errors.INTERNAL_ERROR())
      })
    })
  })
}

export default ws
