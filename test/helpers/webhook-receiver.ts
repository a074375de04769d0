import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** performance.now() when the body had arrived. */
  at: number
}

/** What to answer the nth request (0-based): a status (now or later), or `hang` to never answer. */
export type Answer = (request: ReceivedRequest, index: number) => number | 'hang' | Promise<number>

export interface Receiver {
  /** `http://127.0.0.1:<port>/hook` */
  url: string
  port: number
  received: ReceivedRequest[]
  /** The most requests it has had unanswered at once. */
  readonly maxInFlight: number
  answer: (answer: Answer) => void
  /** Resolves with the requests once there are at least `count`, or throws after `timeoutMs`. */
  waitFor: (count: number, timeoutMs?: number) => Promise<ReceivedRequest[]>
  close: () => Promise<void>
}

/** A webhook receiver on loopback (port 0), recording every request; answers 200 unless told otherwise. */
export async function startReceiver (): Promise<Receiver> {
  const received: ReceivedRequest[] = []
  let answer: Answer = () => 200
  let inFlight = 0
  let maxInFlight = 0
  const server = createServer((request, response) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    response.on('close', () => { inFlight-- })
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const entry = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() }
      received.push(entry)
      const status = answer(entry, received.length - 1)
      if (status === 'hang') return
      Promise.resolve(status).then((code) => { response.writeHead(code, { 'content-type': 'text/plain' }).end('ok') }, () => { response.destroy() })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    get maxInFlight () { return maxInFlight },
    answer: (next) => { answer = next },
    waitFor: async (count, timeoutMs = 5000) => {
      await eventually(() => received.length >= count, { timeoutMs, what: `${count} webhook requests (got ${received.length})` })
      return received.slice()
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

/** Polls `check` every `intervalMs` until it returns a truthy value (returned), or throws after `timeoutMs`. */
export async function eventually<T> (check: () => T | Promise<T>, options: { timeoutMs?: number, intervalMs?: number, what?: string } = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 5000, intervalMs = 20, what = 'the condition' } = options
  const deadline = performance.now() + timeoutMs
  for (let attempt = 0; attempt < 100_000; attempt++) {
    const value = await check()
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>
    if (performance.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

/**
 * The README's verification recipe, as a receiver would write it: recompute the HMAC of
 * `<t>.<raw body>` with the secret, compare in constant time with every v1, and refuse a
 * timestamp more than 300 s from now.
 */
export function verifySignature (secret: string, header: string | undefined, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  if (header === undefined) return false
  const pairs = header.split(',').map((part) => part.split('=', 2) as [string, string | undefined])
  const timestamp = Number(pairs.find(([key]) => key === 't')?.[1])
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest()
  return pairs.some(([key, value]) => {
    if (key !== 'v1' || value === undefined) return false
    const given = Buffer.from(value, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
