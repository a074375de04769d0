import type { Numbered } from '#db/queries/events.js'
import { SEQUENCER_BATCH } from '#db/queries/events.js'

export interface SequencerOptions {
  /** One numbering run (db/queries/events.ts numberPendingEvents): null when another instance holds the lock. */
  run: () => Promise<Numbered | null>
  /** After a run that numbered events: who to tell (streams on this instance, Redis subscribers). */
  announce: (payload: string) => void
  /** Frees the inbox's deleted rows (db/queries/events.ts vacuumInbox), after every VACUUM_EVERY numbered events. */
  vacuum: () => Promise<void>
  log: { warn: (object: object, message: string) => void }
}

/** How long a kick waits for other writes to join its run: at most this much added latency. */
const BATCH_WINDOW_MS = 5
/** Runs per kick at most: a backlog larger than this goes on at the next kick or poll. */
const MAX_RUNS = 50
/** Events numbered between two vacuums of the inbox: it then stays a few hundred pages. */
const VACUUM_EVERY = 5000

/**
 * Numbers committed events soon after each write (see migration 2026120201). `kick()` is called
 * after every successful write on this instance and by a periodic poll; kicks during a run make
 * one more run after it, so a burst of writes is numbered in a few batched statements. If another
 * instance holds the lock, that instance numbers them (and it is kicked by its own writes or poll).
 */
export class Sequencer {
  readonly #options: SequencerOptions
  #running = false
  #again = false
  #closed = false
  #numberedSinceVacuum = 0

  constructor (options: SequencerOptions) {
    this.#options = options
  }

  kick (): void {
    if (this.#closed) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    // A short pause lets a burst of writes share one run (one statement for all their events).
    const paused = new Promise<void>((resolve) => { setTimeout(resolve, BATCH_WINDOW_MS).unref() })
    paused.then(async () => { await this.#drain() }).catch((error: unknown) => {
      this.#options.log.warn({ err: error }, 'event sequencer failed; trying again at the next write or poll')
    }).finally(() => {
      this.#running = false
      if (this.#again) {
        this.#again = false
        this.kick()
      }
    })
  }

  close (): void {
    this.#closed = true
  }

  async #drain (): Promise<void> {
    for (let runs = 0; runs < MAX_RUNS && !this.#closed; runs++) {
      this.#again = false
      const result = await this.#options.run()
      if (result === null) return
      if (result.payload !== null) this.#options.announce(result.payload)
      this.#numberedSinceVacuum += result.numbered
      if (this.#numberedSinceVacuum >= VACUUM_EVERY) {
        this.#numberedSinceVacuum = 0
        await this.#options.vacuum().catch((error: unknown) => { this.#options.log.warn({ err: error }, 'could not vacuum the event inbox; autovacuum will') })
      }
      if (result.numbered < SEQUENCER_BATCH) return
    }
  }
}
