import type { FastifyRequest } from 'fastify'

/** The label of requests that matched no route: never the raw URL, which is unbounded. */
export const UNMATCHED_ROUTE = '__unmatched__'

/** The route pattern a request matched (`/api/v1/tenants/:tenant_id`), for logs and metrics alike. */
export function routeLabel (request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE
}
