import type { StoredEvent } from '#db/queries/events.js'
import type { EventHub, ReadEvents } from './hub.js'

export interface StreamOptions {
  hub: EventHub
  read: ReadEvents
  tenantId: string
  /** The last event the client has: the stream sends every event after it, in order. */
  after: number
  /** Which types the client wants (null: all). */
  accepts: ((type: string) => boolean) | null
  /** Writes one event; returns false when the transport's queue is past its bound (the client is too slow). */
  send: (event: StoredEvent) => boolean
  /** Called once if the client fell behind past the bound; the transport closes it (documented code). */
  onSlow: () => void
}

const PAGE = 500

/**
 * One client's position in its tenant's outbox, moved forward as events are sent: first from the
 * table (the replay of a resume), then from the tenant's shared feed. Nothing is sent twice or
 * skipped, because ids have no gaps and the position only moves past what was sent. Events the
 * filter refuses move the position too, so a resume does not see them again.
 */
export class EventStream {
  readonly #options: StreamOptions
  #position: number
  #closed = false
  #wake: (() => void) | undefined
  /** A wake-up that came while reading: read again before waiting. */
  #woken = false

  constructor (options: StreamOptions) {
    this.#options = options
    this.#position = options.after
  }

  get position (): number {
    return this.#position
  }

  /** Runs until close(); resolves then. Errors reading the outbox end it (the caller closes the transport). */
  async run (): Promise<void> {
    const { hub, read, tenantId, accepts, send } = this.#options
    const { feed, leave } = hub.join(tenantId, {
      wake: () => {
        this.#woken = true
        this.#wake?.()
      }
    })
    try {
      await feed.ready
      while (!this.#closed) {
        this.#woken = false
        const kept = feed.since(this.#position)
        const batch = kept ?? await read(tenantId, this.#position, PAGE)
        if (this.#closed) break
        if (batch.length === 0) {
          if (this.#woken) continue
          await new Promise<void>((resolve) => { this.#wake = resolve })
          this.#wake = undefined
          continue
        }
        for (const event of batch) {
          this.#position = event.id
          if (accepts !== null && !accepts(event.type)) continue
          if (!send(event)) {
            this.close()
            this.#options.onSlow()
            return
          }
        }
      }
    } finally {
      leave()
    }
  }

  close (): void {
    this.#closed = true
    this.#wake?.()
  }
}
