import type { StoredEvent } from '#db/queries/events.js'
import type { GraphQLError } from 'graphql'
import type { EventHub, ReadEvents } from '../events/hub.js'
import { EventStream } from '../events/stream.js'
import type { StreamStart } from '../services/event-streams.js'

/** One payload of the `events` subscription: an event, or (first, alone) the reset of a position that cannot be resumed. */
export type EventMessage =
  | { event: StoredEvent & { tenant_id: string }, reset: null }
  | { event: null, reset: NonNullable<StreamStart['reset']> }

export interface EventSubscriptionOptions {
  hub: EventHub
  read: ReadEvents
  tenantId: string
  start: StreamStart
  accepts: ((type: string) => boolean) | null
  /** Events waiting for a slow client at most; past it the subscription ends (slowConsumer). */
  maxQueued: number
  /** Ends it with this error (token expired, access revoked, shutting down, slow consumer). */
  slowError: () => GraphQLError
  /** Called once when it ends, however it ends. */
  onEnd: () => void
}

/**
 * The outbox as an async iterator for a GraphQL subscription: EventStream (the SSE and WebSocket
 * reader: replay, then live, in order, no duplicates) pushes into a bounded queue that mercurius
 * pulls from as the socket drains. `end(error)` finishes it with that error.
 */
export class EventSubscription implements AsyncIterableIterator<{ events: EventMessage }> {
  readonly #options: EventSubscriptionOptions
  readonly #stream: EventStream
  readonly #queue: EventMessage[] = []
  #ended: GraphQLError | null | undefined
  /** A next() waiting for a message, while the queue is empty. */
  #waiter: { resolve: (result: IteratorResult<{ events: EventMessage }>) => void, reject: (error: GraphQLError) => void } | undefined

  constructor (options: EventSubscriptionOptions) {
    this.#options = options
    const { start, tenantId } = options
    if (start.reset !== null) this.#queue.push({ event: null, reset: start.reset })
    this.#stream = new EventStream({
      hub: options.hub,
      read: options.read,
      tenantId,
      after: start.after,
      accepts: options.accepts,
      send: (event) => {
        this.#push({ event: { ...event, tenant_id: tenantId }, reset: null })
        return this.#queue.length <= options.maxQueued
      },
      onSlow: () => { this.end(options.slowError()) }
    })
    this.#stream.run().catch(() => { this.end(null) })
  }

  #push (message: EventMessage): void {
    const waiter = this.#waiter
    this.#waiter = undefined
    if (waiter !== undefined) waiter.resolve({ value: { events: message }, done: false })
    else this.#queue.push(message)
  }

  /** Ends the subscription: with an error the client is told, or quietly (null). */
  end (error: GraphQLError | null): void {
    if (this.#ended !== undefined) return
    this.#ended = error
    this.#stream.close()
    this.#options.onEnd()
    const waiter = this.#waiter
    this.#waiter = undefined
    if (error !== null) waiter?.reject(error)
    else waiter?.resolve({ value: undefined, done: true })
  }

  async next (): Promise<IteratorResult<{ events: EventMessage }>> {
    const queued = this.#queue.shift()
    if (queued !== undefined) return { value: { events: queued }, done: false }
    if (this.#ended !== undefined) {
      if (this.#ended !== null) {
        const error = this.#ended
        this.#ended = null
        throw error
      }
      return { value: undefined, done: true }
    }
    return await new Promise((resolve, reject) => { this.#waiter = { resolve, reject } })
  }

  async return (): Promise<IteratorResult<{ events: EventMessage }>> {
    this.end(null)
    this.#queue.length = 0
    return { value: undefined, done: true }
  }

  [Symbol.asyncIterator] (): this {
    return this
  }
}
