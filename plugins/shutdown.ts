import { Server, type Socket } from 'node:net'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True once `close()` has begun: /ready says 503, and every answer closes its connection. */
    readonly shuttingDown: boolean
    /** Runs `listener` as soon as close() begins, before the drain waits for connections (streams end themselves there). */
    beforeDrain: (listener: () => void) => void
  }
}

/** How long idle keep-alive connections get to carry one more request before they are closed. */
const DRAIN_IDLE_MS = 500
const POLL_MS = 20

/**
 * Drains as Go's Server.Shutdown does, so SIGTERM under load drops nothing that reached the
 * server. When close() begins:
 * - the listening socket closes (new connections are refused), but open connections stay;
 * - requests in flight finish normally and answer with `Connection: close`, and so do requests
 *   that still arrive on open keep-alive connections: each connection closes after its answer;
 * - connections idle at that moment get DRAIN_IDLE_MS to send their next request (a busy client
 *   sends it within microseconds), so none is closed just as a request is on its way (the reset
 *   a client saw before); then idle ones are closed;
 * - close() goes on (onClose hooks: the pool, Redis) only when every connection has closed, so
 *   no request loses its database. close-with-grace bounds the whole by SHUTDOWN_GRACE_MS.
 */
export default fp(async (app) => {
  let shuttingDown = false
  const sockets = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => { sockets.delete(socket) })
  })
  app.decorate('shuttingDown', { getter: () => shuttingDown })
  const drainListeners: Array<() => void> = []
  app.decorate('beforeDrain', (listener: () => void) => { drainListeners.push(listener) })

  const waitUntil = async (done: () => boolean, deadline: number): Promise<void> => {
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }

  app.addHook('preClose', async () => {
    shuttingDown = true
    for (const listener of drainListeners) listener()
    app.inFlight.forEach((reply) => { if (!reply.raw.headersSent) reply.header('connection', 'close') })
    if (!app.server.listening) return
    // net.Server's close, not http.Server's: that one would also close idle connections at once.
    Server.prototype.close.call(app.server)
    await waitUntil(() => sockets.size === 0, Date.now() + DRAIN_IDLE_MS)
    app.server.closeIdleConnections()
    await waitUntil(() => sockets.size === 0, Number.POSITIVE_INFINITY)
  })
  app.addHook('onRequest', (_request, reply, done) => {
    if (shuttingDown) reply.header('connection', 'close')
    done()
  })
}, { name: 'shutdown', dependencies: ['in-flight'] })
