/** What one item of a batch came to: its result, or the error that item alone gets. */
export type Settled<O> = { ok: true, value: O } | { ok: false, error: unknown }

export interface CoalescerOptions {
  /** Items per batch at most. */
  maxBatch: number
  /** Batches running at once; items that arrive meanwhile wait and go together in the next one. */
  maxInFlight: number
}

interface Waiting<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

/**
 * Runs items (rows to insert) in batches: an item runs at once while fewer than `maxInFlight`
 * batches are running, otherwise it waits and goes with whatever else arrived meanwhile. So there
 * is no added wait when the service is quiet, and under load many writes share one statement,
 * one round trip and one commit, with only `maxInFlight` of them contending in the database
 * (measured: see db/queries/product-inserts.ts).
 */
export class Coalescer<I, O> {
  readonly #run: (items: I[]) => Promise<Array<Settled<O>>>
  readonly #options: CoalescerOptions
  readonly #waiting: Array<Waiting<I, O>> = []
  #inFlight = 0

  constructor (run: (items: I[]) => Promise<Array<Settled<O>>>, options: CoalescerOptions) {
    this.#run = run
    this.#options = options
  }

  async submit (item: I): Promise<O> {
    return await new Promise<O>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject })
      this.#drain()
    })
  }

  #drain (): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#options.maxBatch)
      this.#inFlight++
      this.#run(batch.map((waiting) => waiting.item)).then((results) => {
        batch.forEach((waiting, index) => {
          const result = results[index]
          if (result === undefined) waiting.reject(new Error('a batch returned fewer results than items'))
          else if (result.ok) waiting.resolve(result.value)
          else waiting.reject(result.error)
        })
      }, (error: unknown) => {
        for (const waiting of batch) waiting.reject(error)
      }).finally(() => {
        this.#inFlight--
        this.#drain()
      })
    }
  }
}
