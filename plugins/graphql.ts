import type { FastifyInstance, FastifyRequest, onRequestHookHandler, preValidationHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import { errors } from '#src/errors/index.js'
import { closeCodes } from '#src/events/ws-protocol.js'
import { hooksOf } from '#src/http/route-hooks.js'
import { graphqlErrorFormatter } from '#src/graphql/errors.js'
import { limitRules } from '#src/graphql/limits.js'
import { graphqlLoaders, graphqlResolvers, type GraphqlContext } from '#src/graphql/resolvers.js'
import { timeoutSignal } from '#src/http/write-options.js'
import { graphqlSdl } from '#src/graphql/schema.js'
import { subscriptionResolvers } from '#src/graphql/subscriptions.js'

export const GRAPHQL_PATH = '/graphql'
/** Hashes of queries sent once with their hash (automatic persisted queries), remembered per instance. */
const PERSISTED_QUERIES_MAX = 1000
/** Executions of one query text before it is compiled. */
const GRAPHQL_JIT_AFTER = 1

/**
 * GraphQL at /graphql (mercurius) over the same services as REST. Every operation needs the same
 * Bearer token, authenticated by the same onRequest hook, so the rate limiter, metrics, request
 * ids and the handler timeout apply as on any route; resolvers call the REST services, so roles,
 * tenant isolation and events are REST's. Limits (depth, aliases, cost) refuse a document before
 * anything runs; batched operations are refused; automatic persisted queries let clients send a
 * hash. The route is left out of the OpenAPI document (the schema is schema.graphql).
 */
/** An array body is a batch (apollo-link-batch-http): one operation per request here, said plainly rather than as a schema error. */
const refuseBatches: preValidationHookHandler = (request, _reply, done) => {
  done(Array.isArray(request.body) ? errors.GRAPHQL_INVALID({ reason: 'batched' }) : undefined)
}

async function graphql (scope: FastifyInstance): Promise<void> {
  const { config } = scope
  const wrote = new WeakSet<FastifyRequest>()
  // A subscription's WebSocket authenticates at connection_init, not on the upgrade request, and
  // is a stream: not held to the handler timeout nor waited for by the drain (it is told to go).
  const authenticateUnlessUpgrade: onRequestHookHandler = function (request, reply, done) {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return scope.authenticate(request, reply, done)
    scope.inFlight.forget(request)
    done()
  }

  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true }
    if (route.url !== GRAPHQL_PATH) return
    route.config = { ...route.config, sequencesItsWrites: true }
    route.onRequest = [authenticateUnlessUpgrade, ...hooksOf(route.onRequest)]
    if (route.method === 'POST') route.preValidation = [refuseBatches, ...hooksOf(route.preValidation)]
  })

  await scope.register(mercurius, {
    schema: graphqlSdl(),
    resolvers: { ...graphqlResolvers(scope.db, { cursors: scope.cursors, accessApplied: async () => { await scope.pgListener.caughtUp() } }), ...subscriptionResolvers(scope) },
    loaders: graphqlLoaders(scope.db),
    path: GRAPHQL_PATH,
    // A getter: mercurius also builds the context to format an error the auth hook raised, when there is no caller.
    context: (request): GraphqlContext => ({
      get auth () { return request.auth },
      wrote: () => { wrote.add(request) },
      idempotencyHeader: request.headers['idempotency-key'],
      timeoutSignal: () => timeoutSignal(request)
    }),
    graphiql: config.GRAPHQL_GRAPHIQL,
    subscription: {
      // graphql-ws: the token comes in connection_init's payload (browsers cannot set headers on a WebSocket).
      onConnect: async ({ payload }: { payload?: { authorization?: unknown } }) => {
        const authorization = typeof payload?.authorization === 'string' ? payload.authorization : undefined
        try {
          return { auth: await scope.authorize(authorization), accessExpiresAt: scope.accessExpiry(authorization) }
        } catch {
          return false
        }
      },
      context: (): Omit<GraphqlContext, 'auth'> => ({ wrote: () => {}, idempotencyHeader: undefined, timeoutSignal: () => new AbortController().signal, openSubscriptions: { count: 0 } }),
      keepAlive: config.STREAM_HEARTBEAT_MS
    },
    validationRules: limitRules({
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxAliases: config.GRAPHQL_MAX_ALIASES,
      maxCost: config.GRAPHQL_MAX_COST,
      introspection: config.GRAPHQL_INTROSPECTION
    }),
    allowBatchedQueries: false,
    // A query run this often is compiled by graphql-jit (measured: see the README's GraphQL section).
    jit: GRAPHQL_JIT_AFTER,
    persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(PERSISTED_QUERIES_MAX),
    errorFormatter: graphqlErrorFormatter(scope),
    additionalRouteOptions: { bodyLimit: config.GRAPHQL_BODY_LIMIT_BYTES }
  })

  // Subscriptions end with SERVICE_UNAVAILABLE (the events plugin's drain listener); their sockets
  // are then closed as the REST WebSocket's are, so clients reconnect elsewhere and the drain,
  // which waits for every connection, goes on. (mercurius uses the app's WebSocket server,
  // src/app.ts, so this closes the REST streams' sockets too: they were told to go already.)
  scope.beforeDrain(() => {
    for (const client of scope.websocketServer.clients) client.close(closeCodes.shuttingDown.code, closeCodes.shuttingDown.reason)
  })

  // A mutation that committed invalidates the tenant's response cache, as a REST write's onSend
  // does, and has its events numbered at once (reads, POSTs too, do not run the sequencer).
  const invalidate = scope.responseCache.write.onSend
  if (invalidate !== undefined) {
    scope.addHook('onSend', async function (request, reply, payload) {
      return wrote.has(request) ? await invalidate.call(this, request, reply, payload, () => {}) : payload
    })
  }
  scope.addHook('onResponse', (request, _reply, done) => {
    if (wrote.has(request)) scope.events.sequence()
    done()
  })
}

export default fp(async (app) => {
  if (!app.config.GRAPHQL_ENABLED) return
  // Its own scope: mercurius's error handler and the hooks above apply to the GraphQL routes only.
  await app.register(graphql)
}, { name: 'graphql', dependencies: ['config', 'database', 'auth', 'errors', 'response-cache', 'cursors', 'events', 'shutdown', 'in-flight', 'notifications', '@fastify/websocket'] })
