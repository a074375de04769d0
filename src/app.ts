import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import autoload from '@fastify/autoload'
import fp from 'fastify-plugin'
import type { Config, TrustProxy } from './config.js'
import { lazyChildLoggerFactory, loggerOptions, RequestLogController } from './logging.js'
import { buildSerializerFactory } from './serialization.js'
import { buildValidatorFactory } from './validation.js'
import auth from '#plugins/auth.js'
import cors from '#plugins/cors.js'
import cursors from '#plugins/cursors.js'
import database from '#plugins/database.js'
import deprecation from '#plugins/deprecation.js'
import errors, { clientErrorHandler, frameworkErrors } from '#plugins/errors.js'
import events from '#plugins/events.js'
import inFlight from '#plugins/in-flight.js'
import loadShedding from '#plugins/load-shedding.js'
import maintenance from '#plugins/maintenance.js'
import metrics from '#plugins/metrics.js'
import openapi from '#plugins/openapi.js'
import notifications from '#plugins/notifications.js'
import rateLimit from '#plugins/rate-limit.js'
import revocation from '#plugins/revocation.js'
import redis from '#plugins/redis.js'
import requestId, { requestIdFrom } from '#plugins/request-id.js'
import responseCache from '#plugins/response-cache.js'
import securityHeaders from '#plugins/security-headers.js'
import shutdown from '#plugins/shutdown.js'
import tenancy from '#plugins/tenancy.js'
import webhooks from '#plugins/webhooks.js'
import graphql from '#plugins/graphql.js'
import websocket from '@fastify/websocket'

/** The configuration the app runs with: by now the database URL is known (given or embedded). */
export type AppConfig = Config & { DATABASE_URL: string }

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig
  }
  interface FastifyContextConfig {
    /** Health, readiness and metrics: never rate limited or load-shed, so probes see the truth. */
    operational?: boolean
    /** Event streams: not subject to the handler timeout (they end themselves). */
    longLived?: boolean
    /** Accepts a single-use stream ticket (`?ticket=`) instead of an Authorization header (EventSource cannot send one). */
    streamTicket?: boolean
  }
}

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
/** A client's WebSocket message at most (stream control messages, GraphQL subscribe); larger closes the socket (1009). */
const WEBSOCKET_MAX_PAYLOAD_BYTES = 64 * 1024

export interface BuildOptions {
  /** Override the logger (tests pass `false`). */
  logger?: FastifyServerOptions['logger']
}

export function serverOptions (config: AppConfig, options: BuildOptions = {}): FastifyServerOptions {
  return {
    logger: options.logger ?? loggerOptions(config),
    logController: new RequestLogController(['info', 'debug', 'trace'].includes(config.LOG_LEVEL)),
    childLoggerFactory: lazyChildLoggerFactory,
    genReqId: requestIdFrom,
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    trustProxy: trustProxy(config.TRUST_PROXY),
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    // The shutdown plugin drains: requests that arrive while closing are served (with
    // Connection: close), not refused with Fastify's 503 outside the envelope.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: { buildValidator: buildValidatorFactory(), buildSerializer: buildSerializerFactory() } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors,
    clientErrorHandler
  }
}

/**
 * Fastify 5.12 ignores a bare hop count (it cannot tell a proxy from a client that connects
 * directly); a function keeps the count's meaning: trust the nearest `hops` addresses.
 */
function trustProxy (setting: TrustProxy): FastifyServerOptions['trustProxy'] {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting
}

/** Builds the whole application. Only src/server.ts listens; tests inject into what this returns. */
export async function buildApp (config: AppConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(config, options))
  app.server.headersTimeout = config.HEADERS_TIMEOUT_MS

  // The API speaks JSON only: a text/plain body is 415, not a string handed to a JSON schema.
  app.removeContentTypeParser('text/plain')
  app.decorate('config', config)
  await app.register(fp(async () => {}, { name: 'config' }))
  await app.register(errors)
  await app.register(database)
  await app.register(maintenance)
  // Before any plugin whose hook can answer early (preflight, shutdown, load shedding): every
  // request is counted in flight by its onRequest hook and out again by its onResponse hook.
  // It also answers requests over HANDLER_TIMEOUT_MS.
  await app.register(inFlight)
  await app.register(metrics)
  // Before any route: it marks the deprecated ones as they are added.
  await app.register(deprecation)
  await app.register(requestId)
  // Early answers (preflight, 503, 429) carry the security and CORS headers too.
  await app.register(securityHeaders)
  await app.register(cors)
  await app.register(shutdown)
  await app.register(loadShedding)
  await app.register(redis)
  await app.register(notifications)
  await app.register(revocation)
  await app.register(auth)
  await app.register(tenancy)
  await app.register(cursors)
  // After auth: the tenant and user budgets need `request.auth`.
  await app.register(rateLimit)
  await app.register(responseCache)
  await app.register(events)
  await app.register(webhooks)
  // Once for the app: each registration would add its own 'upgrade' listener, and every upgrade
  // would be routed once per listener. Serves the REST event WebSocket and GraphQL subscriptions.
  await app.register(websocket, { options: { maxPayload: WEBSOCKET_MAX_PAYLOAD_BYTES } })
  await app.register(graphql)
  await app.register(openapi)

  await app.register(autoload, {
    dir: path.join(root, 'routes'),
    autoHooks: true,
    cascadeHooks: true,
    routeParams: true
  })
  return app
}
