import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { bearer } from './identity.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  payload?: object
  headers?: Record<string, string>
}

/** `call('PATCH', url, session, { payload, headers })`: an injected request as `session`. */
export function requester (app: () => FastifyInstance) {
  return async (method: Method, url: string, session: { access_token: string }, options: RequestOptions = {}): Promise<LightMyRequestResponse> =>
    await app().inject({
      method,
      url,
      headers: { ...bearer(session), ...options.headers },
      ...(options.payload !== undefined && { payload: options.payload })
    })
}

/** The `field` of each detail of an error response, sorted. */
export function errorFields (response: LightMyRequestResponse): string[] {
  const details = (response.json().error?.details ?? []) as Array<{ field?: string }>
  return details.map((detail) => detail.field ?? '').sort()
}
