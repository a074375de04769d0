import http from 'node:http'
import https from 'node:https'
import { checkWebhookUrl, guardedLookup, TargetRefused, type TargetPolicy } from './ssrf.js'

export interface DeliveryOutcome {
  /** A 2xx answer. */
  ok: boolean
  statusCode: number | null
  /** From sending the request to the end of the response (or the failure). */
  latencyMs: number
  /** Why no answer came (timeout, refused address, connection error); null when one did. */
  error: string | null
}

class DeliveryTimeout extends Error {}

/** At most this much of a response is read (and thrown away): receivers are asked for a status. */
const MAX_RESPONSE_BYTES = 65_536

function describe (error: unknown, timeoutMs: number): string {
  if (error instanceof DeliveryTimeout) return `timed out after ${timeoutMs} ms`
  if (error instanceof TargetRefused) return error.message
  const code = (error as { code?: unknown }).code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve'
  if (typeof code === 'string') return `connection failed (${code})`
  return error instanceof Error ? error.message.slice(0, 200) : 'request failed'
}

/**
 * POSTs webhook deliveries: no redirects followed, one deadline for resolving, connecting, sending
 * and reading the answer, and every address checked against the policy after DNS resolution.
 */
export class WebhookSender {
  readonly #policy: TargetPolicy
  readonly #timeoutMs: number
  readonly #lookup: ReturnType<typeof guardedLookup>
  readonly #httpAgent = new http.Agent({ keepAlive: true })
  readonly #httpsAgent = new https.Agent({ keepAlive: true })

  constructor (policy: TargetPolicy, timeoutMs: number) {
    this.#policy = policy
    this.#timeoutMs = timeoutMs
    this.#lookup = guardedLookup(policy)
  }

  async send (target: string, headers: Record<string, string>, body: string): Promise<DeliveryOutcome> {
    const started = performance.now()
    const elapsed = (): number => Math.round(performance.now() - started)
    try {
      const url = checkWebhookUrl(target, this.#policy)
      const statusCode = await this.#post(url, headers, body)
      return { ok: statusCode >= 200 && statusCode < 300, statusCode, latencyMs: elapsed(), error: null }
    } catch (error) {
      return { ok: false, statusCode: null, latencyMs: elapsed(), error: describe(error, this.#timeoutMs) }
    }
  }

  close (): void {
    this.#httpAgent.destroy()
    this.#httpsAgent.destroy()
  }

  async #post (url: URL, headers: Record<string, string>, body: string): Promise<number> {
    const secure = url.protocol === 'https:'
    const options: https.RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: secure ? this.#httpsAgent : this.#httpAgent,
      lookup: this.#lookup
    }
    return await new Promise<number>((resolve, reject) => {
      const request = (secure ? https : http).request(url, options, (response) => {
        let received = 0
        response.on('data', (chunk: Buffer) => {
          received += chunk.length
          if (received > MAX_RESPONSE_BYTES) response.destroy()
        })
        response.on('close', () => {
          clearTimeout(deadline)
          resolve(response.statusCode ?? 0)
        })
      })
      // A name is resolved when the request starts, so the deadline covers DNS as well.
      const deadline = setTimeout(() => { request.destroy(new DeliveryTimeout()) }, this.#timeoutMs)
      deadline.unref()
      request.on('error', (error) => {
        clearTimeout(deadline)
        reject(error)
      })
      request.end(body)
    })
  }
}
