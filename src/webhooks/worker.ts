import { claimBehindEndpoints, dueDelivery, eventTypesBetween, fanOut, giveUpDelivery, leaseDueEndpoints, recordAttempt, releaseEndpoint, type DueDelivery, type LeasedEndpoint } from '#db/queries/webhook-dispatch.js'
import type { Db } from '#db/schema/index.js'
import { typeMatcher } from './event-types.js'
import { backoffMs, retryWindowOver } from './retry.js'
import type { DeliveryOutcome } from './sender.js'
import { signatureHeader } from './signature.js'

interface Log {
  warn: (object: object, message: string) => void
}

export interface WorkerOptions {
  db: Db
  send: (url: string, headers: Record<string, string>, body: string) => Promise<DeliveryOutcome>
  /** Deliveries in flight at once on this instance (at most one per endpoint). */
  concurrency: number
  timeoutMs: number
  retryBaseMs: number
  log: Log
}

/** Endpoints and events per fan-out round, and rounds per pass (the next pass goes on). */
const FAN_OUT_ENDPOINTS = 50
const FAN_OUT_EVENTS = 500
const FAN_OUT_ROUNDS = 20
/** Passes run back to back while wake-ups keep coming; then the next poll or wake-up. */
const PASSES_PER_WAKE = 10
const LOG_INTERVAL_MS = 30_000

/**
 * Delivers webhooks from the outbox, on every instance at once (row locks with SKIP LOCKED and
 * endpoint leases keep them apart). A pass fans new events out into deliveries, then leases
 * endpoints with a delivery due and sends one delivery per endpoint, concurrently: a slow
 * endpoint holds one slot until its timeout and never the others'.
 */
export class WebhookWorker {
  readonly #options: WorkerOptions
  readonly #inFlight = new Map<string, Promise<void>>()
  #running: Promise<void> | undefined
  #again = false
  #fanOutWanted = true
  #stopped = false
  #lastLogAt = 0

  constructor (options: WorkerOptions) {
    this.#options = options
  }

  /** A pass now, or right after the running one: `fanOut` when the outbox may have grown. */
  wake (fanOut = true): void {
    if (this.#stopped) return
    this.#fanOutWanted ||= fanOut
    if (this.#running !== undefined) {
      this.#again = true
      return
    }
    this.#running = this.#passes().finally(() => { this.#running = undefined })
  }

  /** One full pass, then waits for the deliveries it started (tests drive the worker with it). */
  async runOnce (): Promise<void> {
    await this.#fanOut()
    await this.#dispatch()
    await this.idle()
  }

  /** Resolves when no delivery is in flight. */
  async idle (): Promise<void> {
    for (let round = 0; round < 100 && this.#inFlight.size > 0; round++) await Promise.all(this.#inFlight.values())
  }

  /** Starts nothing more and waits for what is in flight (each bounded by the timeout). */
  async stop (): Promise<void> {
    this.#stopped = true
    await this.#running
    await this.idle()
  }

  async #passes (): Promise<void> {
    for (let pass = 0; pass < PASSES_PER_WAKE && !this.#stopped; pass++) {
      this.#again = false
      try {
        if (this.#fanOutWanted) {
          this.#fanOutWanted = false
          await this.#fanOut()
        }
        await this.#dispatch()
      } catch (error) {
        this.#report(error)
        return
      }
      if (!this.#again) return
    }
  }

  async #fanOut (): Promise<void> {
    for (let round = 0; round < FAN_OUT_ROUNDS; round++) {
      const claimed = await this.#options.db.transaction().execute(async (trx) => {
        const endpoints = await claimBehindEndpoints(trx, FAN_OUT_ENDPOINTS)
        for (const endpoint of endpoints) {
          const upto = Math.min(endpoint.last_id, endpoint.after_event_id + FAN_OUT_EVENTS)
          const matches = typeMatcher(endpoint.types)
          const events = await eventTypesBetween(trx, endpoint.tenant_id, endpoint.after_event_id, upto)
          await fanOut(trx, endpoint, events.filter((event) => matches(event.type)), upto)
        }
        return endpoints.length
      })
      if (claimed < FAN_OUT_ENDPOINTS) return
    }
  }

  async #dispatch (): Promise<void> {
    const { concurrency, timeoutMs, db } = this.#options
    if (this.#stopped) return
    // The lease outlives the longest attempt; an instance that dies mid-send loses it after this.
    const leased = await leaseDueEndpoints(db, concurrency - this.#inFlight.size, timeoutMs * 2 + 10_000)
    for (const endpoint of leased) {
      const run = this.#deliver(endpoint)
        .catch((error: unknown) => { this.#report(error) })
        .finally(() => {
          this.#inFlight.delete(endpoint.id)
          this.wake(false)
        })
      this.#inFlight.set(endpoint.id, run)
    }
  }

  async #deliver (endpoint: LeasedEndpoint): Promise<void> {
    const { db, retryBaseMs } = this.#options
    const delivery = await dueDelivery(db, endpoint)
    if (delivery === undefined) {
      await releaseEndpoint(db, endpoint.id)
      return
    }
    if (delivery.type === null) {
      // Past the outbox's retention while it waited: nothing left to send, and not the endpoint's fault.
      await giveUpDelivery(db, endpoint.id, delivery.id, 'the event is no longer in the outbox')
      return
    }
    const attemptedAt = new Date()
    const outcome = await this.#options.send(endpoint.url, ...this.#request(endpoint, delivery, attemptedAt))
    const firstAttempt = delivery.first_attempt_at === null ? attemptedAt.getTime() : Date.parse(delivery.first_attempt_at)
    const verdict = outcome.ok ? 'succeeded' : retryWindowOver(firstAttempt, Date.now()) ? 'failed' : 'retry'
    const last = outcome.error ?? `HTTP ${outcome.statusCode ?? 0}`
    const { disabled } = await db.transaction().execute(async (trx) => await recordAttempt(trx, {
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      outcome: verdict,
      statusCode: outcome.statusCode,
      latencyMs: outcome.latencyMs,
      error: outcome.error,
      attemptedAt: attemptedAt.toISOString(),
      firstAttemptAt: delivery.first_attempt_at,
      retryInMs: verdict === 'retry' ? backoffMs(delivery.attempts + 1, retryBaseMs) : 0,
      pauseMs: outcome.ok ? 0 : backoffMs(endpoint.consecutive_failures + 1, retryBaseMs),
      disableReason: `Every delivery attempt failed for 24 hours (last: ${last}).`
    }))
    if (disabled) this.#options.log.warn({ webhook_id: endpoint.id, tenant_id: endpoint.tenant_id }, 'webhook disabled after failing for 24 hours')
  }

  #request (endpoint: LeasedEndpoint, delivery: DueDelivery, at: Date): [Record<string, string>, string] {
    const body = JSON.stringify({
      id: delivery.event_id,
      type: delivery.type,
      tenant_id: endpoint.tenant_id,
      resource_id: delivery.resource_id,
      actor_id: delivery.actor_id,
      occurred_at: delivery.occurred_at,
      data: delivery.data
    })
    const timestamp = Math.floor(at.getTime() / 1000)
    const secrets = endpoint.previous_secret === null ? [endpoint.secret] : [endpoint.secret, endpoint.previous_secret]
    return [{
      'content-type': 'application/json',
      'user-agent': 'retail-ops-webhooks/1',
      'webhook-id': `${endpoint.tenant_id}:${delivery.event_id}`,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, timestamp, body)
    }, body]
  }

  #report (error: unknown): void {
    const now = Date.now()
    if (now - this.#lastLogAt < LOG_INTERVAL_MS) return
    this.#lastLogAt = now
    this.#options.log.warn({ err: error }, 'webhook worker failed; trying again at the next poll')
  }
}
