import fp from 'fastify-plugin'
import { deleteExpiredEvents, eventBounds, eventsAfter, EVENTS_CHANNEL, numberPendingEvents, vacuumInbox, type StoredEvent } from '#db/queries/events.js'
import { deleteExpiredStreamTickets } from '#db/queries/stream-tickets.js'
import { tenantScope } from '#db/tenant-scope.js'
import { EventHub } from '#src/events/hub.js'
import { Sequencer } from '#src/events/sequencer.js'
import type { AuthContext } from '#src/services/auth-context.js'
import { inBatches } from './maintenance.js'

/** A stream open on this instance, as the plugin sees it: whose it is, and how to end it. */
export interface OpenStream {
  auth: AuthContext
  /** When its access ends (ms since the epoch); 0: never checked. */
  expiresAt: number
  end: (why: StreamEnd) => void
}

/** Why a stream ended, for the client: each transport maps it to its own signal (see README). */
export type StreamEnd = 'token_expired' | 'access_revoked' | 'slow_consumer' | 'shutting_down'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A route whose POSTs mostly only read (GraphQL): the sequencer is not run after each of its
     * responses; the route calls `app.events.sequence()` after a request that wrote.
     */
    sequencesItsWrites?: boolean
  }
  interface FastifyInstance {
    events: {
      hub: EventHub
      /** The outbox read every stream uses. */
      read: (tenantId: string, afterId: number, limit: number) => Promise<StoredEvent[]>
      /** Registers an open stream for the revocation, expiry and shutdown checks; returns its removal. */
      track: (stream: OpenStream) => () => void
      /** Numbers committed events now (the sequencer runs after every successful write by itself). */
      sequence: () => void
    }
  }
}

/** How often open streams are checked against revocations and their token's expiry. */
const SWEEP_MS = 500
const REDIS_CHANNEL = 'events'

/**
 * Live events on this instance. After each successful write the sequencer numbers the events it
 * committed (src/events/sequencer.ts); the numbering instance's NOTIFY (or, with REDIS_URL, its
 * Redis publish) tells every instance's hub (src/events/hub.ts), which reads new events once per
 * tenant; a periodic poll covers a lost notification, so it only delays an event. The same notifications
 * invalidate this instance's in-memory response cache, so instances without Redis do not serve
 * each other's stale reads. Open streams end within a second of a revocation, at their token's
 * expiry, and at once when shutdown begins (they are told to reconnect elsewhere).
 */
export default fp(async (app) => {
  const { config } = app
  const read = async (tenantId: string, afterId: number, limit: number): Promise<StoredEvent[]> =>
    await eventsAfter(app.db, tenantScope(tenantId), afterId, limit)
  const hub = new EventHub({ read, lastId: async (tenantId) => (await eventBounds(app.db, tenantScope(tenantId))).last, log: app.log })

  const committed = (tenantId: string, lastId: number): void => {
    hub.committed(tenantId, lastId)
    app.responseCache.forget(tenantId)
  }
  /** A sequencer payload: `<tenant>:<last id>,...`, or `*` for "every tenant". */
  const heard = (payload: string): void => {
    if (payload === '*') {
      hub.poll()
      return
    }
    for (const part of payload.split(',')) {
      const separator = part.indexOf(':')
      if (separator > 0) committed(part.slice(0, separator), Number(part.slice(separator + 1)))
    }
  }

  // Without Redis, instances hear the sequencer's NOTIFY (including the one that sent it); with
  // Redis, the sequencing instance publishes the same payload there instead.
  let announce = (_payload: string): void => {}
  if (app.redis === null) {
    app.pgListener.on(EVENTS_CHANNEL, heard)
  } else {
    const channel = `${config.REDIS_KEY_PREFIX}${REDIS_CHANNEL}`
    const publisher = app.redis
    // Its own connection (a subscribed one can do nothing else), which may queue the SUBSCRIBE
    // until Redis answers and subscribes again after each reconnection by itself.
    const subscriber = publisher.duplicate({ lazyConnect: false, enableOfflineQueue: true, commandTimeout: undefined })
    subscriber.on('message', (_channel: string, payload: string) => { heard(payload) })
    subscriber.on('error', () => {}) // the publisher's listener reports Redis outages; the poll covers the gap
    // Not awaited: a hanging Redis must not hold up start-up (the poll delivers meanwhile).
    app.addHook('onReady', async () => { subscriber.subscribe(channel).catch(() => {}) })
    app.addHook('onClose', async () => { subscriber.disconnect() })
    announce = (payload) => {
      heard(payload)
      publisher.publish(channel, payload).catch(() => {})
    }
  }
  const sequencer = new Sequencer({ run: async () => await numberPendingEvents(app.db), vacuum: async () => { await vacuumInbox(app.db) }, announce, log: app.log })

  const streams = new Set<OpenStream>()
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const stream of streams) {
      if (app.revocations.standing(stream.auth) === 'revoked') stream.end('access_revoked')
      else if (stream.expiresAt > 0 && now >= stream.expiresAt) stream.end('token_expired')
    }
  }, SWEEP_MS)
  sweep.unref()
  const poll = setInterval(() => {
    sequencer.kick()
    hub.poll()
  }, config.EVENTS_POLL_MS)
  poll.unref()

  app.beforeDrain(() => { for (const stream of streams) stream.end('shutting_down') })
  app.addHook('onClose', async () => {
    clearInterval(sweep)
    clearInterval(poll)
    sequencer.close()
  })

  app.maintenance.add('events', async (db) => await inBatches(async (limit) => await deleteExpiredEvents(db, config.EVENTS_RETENTION_DAYS, limit)))
  app.maintenance.add('stream_tickets', async (db) => await inBatches(async (limit) => await deleteExpiredStreamTickets(db, limit)))

  app.decorate('events', {
    hub,
    read,
    track: (stream: OpenStream) => {
      streams.add(stream)
      return () => { streams.delete(stream) }
    },
    sequence: () => { sequencer.kick() }
  })

  // Every successful write may have recorded events: have them numbered (and so sent) at once.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 300 && request.routeOptions.config.sequencesItsWrites !== true) sequencer.kick()
    done()
  })
}, { name: 'events', dependencies: ['config', 'database', 'notifications', 'redis', 'revocation', 'response-cache', 'shutdown', 'maintenance'] })
