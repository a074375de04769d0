import type { FastifyInstance } from 'fastify'
import { GraphQLScalarType, type GraphQLError } from 'graphql'
import type { IResolvers } from 'mercurius'
import type { OpenStream, StreamEnd } from '#plugins/events.js'
import { AppError, errors } from '../errors/index.js'
import { EventStreamQuery } from '../schemas/events.js'
import { startPosition, typeFilter, type StreamStart } from '../services/event-streams.js'
import { subscriptionError } from './errors.js'
import { EventSubscription } from './event-subscription.js'
import { inputOf } from './inputs.js'
import type { GraphqlContext } from './resolvers.js'

/** Events queued for one slow subscriber at most before it is ended (SSE and WS bound bytes; here the payloads are objects). */
const MAX_QUEUED_EVENTS = 1000

/** Subscriptions one socket may hold at once: each is a reader of the outbox. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 10

const eventsQuery = inputOf(EventStreamQuery, 'querystring')

const endings: Record<StreamEnd, () => GraphQLError> = {
  token_expired: () => subscriptionError(errors.TOKEN_EXPIRED()),
  access_revoked: () => subscriptionError(errors.TOKEN_REVOKED()),
  slow_consumer: () => subscriptionError(errors.SERVICE_UNAVAILABLE({ reason: 'slowConsumer' })),
  shutting_down: () => subscriptionError(errors.SERVICE_UNAVAILABLE({ reason: 'shuttingDown' }))
}

/** `scalar JSON`: an event's data, passed through as it is (only ever output). */
export const JsonScalar = new GraphQLScalarType({ name: 'JSON', serialize: (value) => value })

/**
 * The `events` subscription over the outbox: its position as the SSE stream's (startPosition),
 * tracked with every other stream, so it ends with an error when the token expires, the access is
 * revoked (within the events plugin's sweep) or the server shuts down.
 */
export function subscriptionResolvers (app: FastifyInstance): IResolvers {
  return {
    JSON: JsonScalar,
    Subscription: {
      events: {
        subscribe: async (_root: unknown, args: Record<string, unknown>, context) => {
          try {
            return await subscribe(args, context)
          } catch (error) {
            throw error instanceof AppError ? subscriptionError(error) : error
          }
        }
      }
    }
  }

  async function subscribe (args: Record<string, unknown>, context: GraphqlContext): Promise<EventSubscription> {
    const { auth } = context
    const open = context.openSubscriptions ?? { count: 0 }
    if (open.count >= MAX_SUBSCRIPTIONS_PER_SOCKET) throw errors.RATE_LIMITED({ reason: 'subscriptions', params: { max: MAX_SUBSCRIPTIONS_PER_SOCKET } })
    // Counted before the first await: subscribes on one socket run concurrently.
    open.count++
    let start: StreamStart
    let accepts: ((type: string) => boolean) | null
    try {
      const query = eventsQuery(args)
      accepts = typeFilter(query.types, '/types')
      start = await startPosition(app.db, auth, query.after)
    } catch (error) {
      open.count--
      throw error
    }
    let untrack = (): void => {}
    const subscription = new EventSubscription({
      hub: app.events.hub,
      read: app.events.read,
      tenantId: auth.tenantId,
      start,
      accepts,
      maxQueued: MAX_QUEUED_EVENTS,
      slowError: endings.slow_consumer,
      onEnd: () => {
        untrack()
        open.count--
      }
    })
    const session: OpenStream = { auth, expiresAt: context.accessExpiresAt ?? 0, end: (why) => { subscription.end(endings[why]()) } }
    untrack = app.events.track(session)
    return subscription
  }
}
