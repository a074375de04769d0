import fp from 'fastify-plugin'
import cors from '@fastify/cors'

/** Response headers a browser script may read: the request id, rate limits, caching, paging. */
const exposedHeaders = ['X-Request-ID', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'ETag', 'Location', 'X-Cache', 'Deprecation', 'Sunset']

/**
 * CORS (@fastify/cors) for the origins in CORS_ORIGINS only; none by default. Credentials travel in
 * the Authorization header, never in cookies, so credentialed CORS stays off. Preflights are
 * answered here, before rate limiting and authentication, and may be cached for ten minutes.
 */
export default fp(async (app) => {
  const origins = app.config.CORS_ORIGINS
  // No allowed origin: no CORS headers at all, and no per-request work.
  if (origins.length === 0) return
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-ID', 'If-Match', 'If-None-Match', 'Idempotency-Key'],
    exposedHeaders,
    credentials: false,
    maxAge: 600
  })
}, { name: 'cors', dependencies: ['config'] })
