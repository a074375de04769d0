import type { StoredEvent } from '#db/queries/events.js'

/** Reads the outbox: a tenant's events after an id, in order, at most `limit`. */
export type ReadEvents = (tenantId: string, afterId: number, limit: number) => Promise<StoredEvent[]>
/** The tenant's last event id. */
export type ReadLastId = (tenantId: string) => Promise<number>

export interface HubOptions {
  read: ReadEvents
  lastId: ReadLastId
  log: { warn: (object: object, message: string) => void }
  /** Recent events kept per tenant, so live subscribers share one read per event. */
  recentMax?: number
}

const PAGE = 500
/** Pages a feed reads per wake-up at most; it goes on at the next notification or poll. */
const MAX_PAGES = 20

/**
 * What a stream waits on: the tenant's feed wakes it when events arrive, or when it should
 * re-check (closing).
 */
export interface FeedListener {
  wake: () => void
}

/**
 * One tenant's tail of the outbox on this instance, while it has subscribers: the last events
 * read (one read per notification, whatever the number of subscribers), and the listeners to
 * wake. The outbox stays the truth: a subscriber behind the kept events reads the table itself.
 */
class TenantFeed {
  position = 0
  readonly recent: StoredEvent[] = []
  readonly listeners = new Set<FeedListener>()
  ready: Promise<void>
  #reading: Promise<void> | undefined
  #again = false

  constructor (readonly tenantId: string, private readonly options: Required<HubOptions>) {
    this.ready = options.lastId(tenantId).then((last) => { this.position = last }, (error: unknown) => {
      options.log.warn({ err: error, tenant_id: tenantId }, 'event feed: reading the last event id failed')
    })
  }

  /** Events after `afterId` if the kept events reach back to it; null when the caller must read the table. */
  since (afterId: number): StoredEvent[] | null {
    if (afterId >= this.position) return []
    const first = this.recent[0]
    if (first === undefined || first.id > afterId + 1) return null
    const start = afterId + 1 - first.id
    return this.recent.slice(start)
  }

  /** Reads what was committed after the position (once at a time; a call while reading reads again after). */
  refresh (): void {
    if (this.#reading !== undefined) {
      this.#again = true
      return
    }
    this.#reading = this.#read().catch((error: unknown) => {
      this.options.log.warn({ err: error, tenant_id: this.tenantId }, 'event feed: reading the outbox failed; retrying at the next notification')
    }).finally(() => {
      this.#reading = undefined
      if (this.#again) {
        this.#again = false
        this.refresh()
      }
    })
  }

  async #read (): Promise<void> {
    await this.ready
    for (let page = 0; page < MAX_PAGES; page++) {
      const events = await this.options.read(this.tenantId, this.position, PAGE)
      if (events.length === 0) break
      for (const event of events) {
        // Ids have no gaps (see db/migrations/2026120201_events.ts): anything else is a bug to hear of.
        if (this.recent.length > 0 && event.id !== this.position + 1) this.recent.length = 0
        this.recent.push(event)
        this.position = event.id
      }
      if (this.recent.length > this.options.recentMax) this.recent.splice(0, this.recent.length - this.options.recentMax)
      for (const listener of this.listeners) listener.wake()
      if (events.length < PAGE) break
    }
  }
}

/**
 * The instance's live view of every tenant's outbox that has a stream open here: notified of
 * commits (LISTEN/NOTIFY or Redis pub/sub, and a periodic poll for anything missed), it reads
 * new events once per tenant and wakes the tenant's streams.
 */
export class EventHub {
  readonly #options: Required<HubOptions>
  readonly #feeds = new Map<string, TenantFeed>()

  constructor (options: HubOptions) {
    this.#options = { recentMax: 1000, ...options }
  }

  /** Joins the tenant's feed; the returned function leaves it (the feed goes with its last listener). */
  join (tenantId: string, listener: FeedListener): { feed: Pick<TenantFeed, 'since' | 'ready'>, leave: () => void } {
    let feed = this.#feeds.get(tenantId)
    if (feed === undefined) {
      feed = new TenantFeed(tenantId, this.#options)
      this.#feeds.set(tenantId, feed)
    }
    feed.listeners.add(listener)
    const joined = feed
    return {
      feed: joined,
      leave: () => {
        joined.listeners.delete(listener)
        if (joined.listeners.size === 0 && this.#feeds.get(tenantId) === joined) this.#feeds.delete(tenantId)
      }
    }
  }

  /** A commit wrote events up to `lastId` in the tenant (from a notification). */
  committed (tenantId: string, lastId: number): void {
    const feed = this.#feeds.get(tenantId)
    if (feed !== undefined && lastId > feed.position) feed.refresh()
  }

  /** Re-reads every feed: the safety net for a notification that never came. */
  poll (): void {
    for (const feed of this.#feeds.values()) feed.refresh()
  }

  /** Streams open on this instance, per tenant. */
  get size (): number {
    let total = 0
    for (const feed of this.#feeds.values()) total += feed.listeners.size
    return total
  }
}
