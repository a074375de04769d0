import { randomUUID } from 'node:crypto'
import pg from 'pg'

/** The part of a pino logger this needs. */
interface Log {
  info: (object: object, message: string) => void
  warn: (object: object, message: string) => void
}

export interface PgListenerOptions {
  url: string
  log: Log
  connectTimeoutMs: number
  /** Waits between reconnection attempts grow up to this. */
  maxRetryDelayMs: number
}

type Handler = (payload: string) => void

/** The channel caughtUp() sends its markers on; every listener LISTENs on it. */
const MARKER_CHANNEL = 'retail_ops_marker'

/**
 * One PostgreSQL connection, outside the pool, that LISTENs on the channels the app needs and
 * reconnects by itself. NOTIFY is delivered only on commit and only while connected, so every
 * (re)connection runs the `synchronised` callbacks after LISTEN is in place: they reload what a
 * gap could have missed.
 */
export class PgListener {
  readonly #options: PgListenerOptions
  readonly #handlers = new Map<string, Handler[]>()
  readonly #synchronised: Array<() => Promise<void>> = []
  #client: pg.Client | undefined
  #closed = false
  #retryDelayMs = 100
  #retryTimer: NodeJS.Timeout | undefined
  #connected = false
  /** Whether the current outage has been logged: once per outage, not once per retry. */
  #outageLogged = false
  /** Markers this listener is waiting for; every instance hears every marker, so each one's are unique. */
  readonly #markers = new Map<string, () => void>()
  readonly #markerPrefix = randomUUID()
  #markerCount = 0

  constructor (options: PgListenerOptions) {
    this.#options = options
  }

  get connected (): boolean {
    return this.#connected
  }

  on (channel: string, handler: Handler): void {
    this.#handlers.set(channel, [...(this.#handlers.get(channel) ?? []), handler])
  }

  /** Runs after every (re)connection, once LISTEN is in place. */
  onSynchronise (callback: () => Promise<void>): void {
    this.#synchronised.push(callback)
  }

  /** Connects (waiting for the first attempt only); a failure is retried in the background. */
  async start (): Promise<void> {
    await this.#connect()
  }

  /**
   * Resolves once this listener has handled every notification committed before the call, so a
   * write's own instance acts on it before answering (read your writes): a marker NOTIFY sent now
   * comes back after them, since notifications arrive in commit order. Resolves false at once when
   * disconnected (the reconnection reloads what was missed) and after `timeoutMs` at most.
   */
  async caughtUp (timeoutMs = 1000): Promise<boolean> {
    const client = this.#client
    if (client === undefined || !this.#connected) return false
    const marker = `${this.#markerPrefix}:${++this.#markerCount}`
    let timer: NodeJS.Timeout | undefined
    const heard = new Promise<boolean>((resolve) => {
      this.#markers.set(marker, () => { resolve(true) })
      timer = setTimeout(() => { resolve(false) }, timeoutMs)
    })
    try {
      await client.query('select pg_notify($1, $2)', [MARKER_CHANNEL, marker])
      return await heard
    } catch {
      return false
    } finally {
      clearTimeout(timer)
      this.#markers.delete(marker)
    }
  }

  async close (): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retryTimer)
    await this.#client?.end().catch(() => {})
  }

  async #connect (): Promise<void> {
    if (this.#closed) return
    const client = new pg.Client({ connectionString: this.#options.url, connectionTimeoutMillis: this.#options.connectTimeoutMs, application_name: 'retail-ops-api listener' })
    client.on('notification', (message) => {
      const payload = message.payload
      if (payload === undefined) return
      if (message.channel === MARKER_CHANNEL) {
        this.#markers.get(payload)?.()
        return
      }
      for (const handler of this.#handlers.get(message.channel) ?? []) handler(payload)
    })
    client.on('error', () => { this.#lost(client) })
    client.on('end', () => { this.#lost(client) })
    try {
      await client.connect()
      for (const channel of [MARKER_CHANNEL, ...this.#handlers.keys()]) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      this.#client = client
      for (const callback of this.#synchronised) await callback()
      if (this.#outageLogged) this.#options.log.info({}, 'notification listener reconnected')
      this.#connected = true
      this.#outageLogged = false
      this.#retryDelayMs = 100
    } catch (error) {
      if (!this.#outageLogged) this.#options.log.warn({ err: error }, 'notification listener cannot connect; retrying in the background')
      this.#outageLogged = true
      client.end().catch(() => {})
      this.#schedule()
    }
  }

  #lost (client: pg.Client): void {
    if (this.#client !== client || this.#closed) return
    this.#client = undefined
    this.#connected = false
    if (!this.#outageLogged) this.#options.log.warn({}, 'notification listener disconnected; reconnecting in the background')
    this.#outageLogged = true
    this.#schedule()
  }

  #schedule (): void {
    if (this.#closed) return
    clearTimeout(this.#retryTimer)
    this.#retryTimer = setTimeout(() => { this.#connect().catch(() => {}) }, this.#retryDelayMs)
    this.#retryTimer.unref()
    this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, this.#options.maxRetryDelayMs)
  }
}
