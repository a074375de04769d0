import { Type, type TSchema } from 'typebox'

/**
 * Response headers a route declares for the OpenAPI document (generated clients type them); the
 * ones every response carries are added by plugins/openapi.ts. Names as integrators read them;
 * HTTP header names are case-insensitive.
 */
const routeHeaders = {
  ETag: Type.String({ description: 'The strong entity tag of this version of the resource: send it back as If-Match to change it only if unchanged, or as If-None-Match to revalidate.', examples: ['"3"'] }),
  Location: Type.String({ description: 'The path of the created resource.', examples: ['/api/v1/tenants/0190a5c4-1f3a-7c2e-8a7b-3c9d2e4f5a6b/products/0190a5c4-2b4c-7d3e-9f8a-1b2c3d4e5f6a'] }),
  'Idempotent-Replayed': Type.Literal('true', { description: 'Present when this is the stored answer to an earlier request with the same Idempotency-Key: nothing was done again.' })
}

export type RouteHeader = keyof typeof routeHeaders

/** `schema` (a response schema) with the given response headers declared in the document. */
export function withHeaders<T extends TSchema> (schema: T, ...names: RouteHeader[]): T {
  return { ...schema, headers: Object.fromEntries(names.map((name) => [name, routeHeaders[name]])) }
}

/** Headers of every response, or of every response of a kind (see plugins/openapi.ts). */
export const commonHeaders = {
  requestId: { 'X-Request-ID': Type.String({ description: 'The id of this request, also in error bodies and logs: quote it when reporting a problem. A well-formed X-Request-ID sent with the request is used instead of a new one.' }) },
  rateLimit: {
    'X-RateLimit-Limit': Type.Integer({ description: 'Requests allowed per minute in the tightest budget that applies (tenant, user, or address when anonymous).' }),
    'X-RateLimit-Remaining': Type.Integer({ description: 'Requests left in that budget.' }),
    'X-RateLimit-Reset': Type.Integer({ description: 'Seconds until that budget is full again.' })
  },
  retryAfter: { 'Retry-After': Type.Integer({ description: 'Seconds to wait before retrying.' }) },
  contentLanguage: { 'Content-Language': Type.Union([Type.Literal('en'), Type.Literal('ar')], { description: 'The language of `error.message` and the details\' messages: Arabic when Accept-Language prefers it, else English. Codes are never translated.' }) },
  deprecation: {
    Deprecation: Type.String({ description: 'This operation is deprecated since this instant (RFC 9745: `@` and Unix seconds).', examples: ['@1796083200'] }),
    Sunset: Type.String({ description: 'When this operation stops answering (RFC 8594, an HTTP date).', examples: ['Wed, 30 Jun 2027 00:00:00 GMT'] }),
    Link: Type.String({ description: 'Its successor, `rel="successor-version"`.', examples: ['</api/v2/things>; rel="successor-version"'] })
  }
}
