import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { hooksOf } from '#src/http/route-hooks.js'

/** Marks an operation deprecated: `config: { deprecation: { since, sunset, successor } }` on the route. */
export interface Deprecation {
  /** When it was deprecated: an ISO date (`2026-12-01`). */
  since: string
  /** When it stops answering (at least six months after `since`, see README): an ISO date. */
  sunset: string
  /** What to use instead: a path or URL, sent as `Link: <...>; rel="successor-version"`. */
  successor: string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    deprecation?: Deprecation
  }
}

function instant (date: string, field: string): Date {
  const parsed = new Date(`${date}T00:00:00Z`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(parsed.getTime())) throw new Error(`deprecation.${field} must be an ISO date (YYYY-MM-DD), not ${date}`)
  return parsed
}

/** The response headers a deprecation sends: RFC 9745 Deprecation, RFC 8594 Sunset, and the successor link. */
export function deprecationHeaders (deprecation: Deprecation): Record<string, string> {
  const since = instant(deprecation.since, 'since')
  const sunset = instant(deprecation.sunset, 'sunset')
  if (sunset <= since) throw new Error('deprecation.sunset must come after deprecation.since')
  return {
    deprecation: `@${Math.floor(since.getTime() / 1000)}`,
    sunset: sunset.toUTCString(),
    link: `<${deprecation.successor}>; rel="successor-version"`
  }
}

/**
 * The deprecation path: a route with `config.deprecation` is marked `deprecated: true` in the
 * OpenAPI document (with its headers declared, plugins/openapi.ts), answers with Deprecation,
 * Sunset and Link headers, and counts its calls per tenant (http_deprecated_calls_total), so the
 * integrations still calling it can be found before the sunset. Other routes pay nothing: the hook
 * is added to the deprecated routes only.
 */
export default fp(async (app) => {
  app.addHook('onRoute', (route) => {
    const deprecation = route.config?.deprecation
    if (deprecation === undefined) return
    const headers = deprecationHeaders(deprecation)
    const operation = (route.schema as { operationId?: string } | undefined)?.operationId ?? `${String(route.method)} ${route.url}`
    if (route.schema !== undefined) route.schema = { ...route.schema, deprecated: true } as typeof route.schema
    // onSend: on every answer of the route, errors too (a 401 before the handler included).
    const announce = (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
      reply.headers(headers)
      done(null, payload)
    }
    const count = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
      app.metrics.deprecatedCall(operation, request.authContext?.tenantId ?? null)
      done()
    }
    route.onSend = [...hooksOf(route.onSend), announce]
    route.onResponse = [...hooksOf(route.onResponse), count]
  })
}, { name: 'deprecation', dependencies: ['metrics'] })
