import assert from 'node:assert/strict'
import http from 'node:http'

/** One Server-Sent Event as the client parsed it. */
export interface ReceivedEvent {
  id?: string
  event: string
  data: string
}

export interface SseClient {
  status: number
  headers: http.IncomingHttpHeaders
  /** The next event (comments skipped), or a failure after `timeoutMs`. */
  next: (timeoutMs?: number) => Promise<ReceivedEvent>
  /** Events that arrive within `ms` (at most `max`). */
  collect: (ms: number, max?: number) => Promise<ReceivedEvent[]>
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  close: () => void
}

/** A minimal EventSource over a real socket: parses `id:`, `event:` and `data:` lines. */
export async function openSse (url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return await new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const queue: ReceivedEvent[] = []
      const waiting: Array<(event: ReceivedEvent) => void> = []
      let buffer = ''
      let current: Partial<ReceivedEvent> & { data?: string } = {}
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        buffer += chunk
        let newline
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline)
          buffer = buffer.slice(newline + 1)
          if (line === '') {
            if (current.data !== undefined || current.event !== undefined) {
              const event: ReceivedEvent = { ...(current.id !== undefined && { id: current.id }), event: current.event ?? 'message', data: current.data ?? '' }
              const waiter = waiting.shift()
              if (waiter !== undefined) waiter(event)
              else queue.push(event)
            }
            current = {}
          } else if (line.startsWith('id: ')) current.id = line.slice(4)
          else if (line.startsWith('event: ')) current.event = line.slice(7)
          else if (line.startsWith('data: ')) current.data = current.data === undefined ? line.slice(6) : `${current.data}\n${line.slice(6)}`
        }
      })
      const ended = new Promise<void>((resolve) => { response.once('end', resolve); response.once('close', resolve) })
      const next = async (timeoutMs = 3000): Promise<ReceivedEvent> => {
        const queued = queue.shift()
        if (queued !== undefined) return queued
        return await new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            waiting.splice(waiting.indexOf(deliver), 1)
            reject(new Error(`no event within ${timeoutMs} ms`))
          }, timeoutMs)
          const deliver = (event: ReceivedEvent): void => { clearTimeout(timer); resolve(event) }
          waiting.push(deliver)
        })
      }
      const collect = async (ms: number, max = 1000): Promise<ReceivedEvent[]> => {
        const events: ReceivedEvent[] = []
        const deadline = Date.now() + ms
        while (events.length < max && Date.now() < deadline) {
          try {
            events.push(await next(Math.max(1, deadline - Date.now())))
          } catch {
            break
          }
        }
        return events
      }
      resolve({ status: response.statusCode ?? 0, headers: response.headers, next, collect, ended, close: () => { request.destroy() } })
    })
    request.on('error', reject)
  })
}

/** The Event JSON of a data event. */
export function parsed (event: ReceivedEvent): { id: number, type: string, tenant_id: string, resource_id: string, data: Record<string, unknown> } {
  assert.equal(event.event, 'message', `expected a data event, got ${event.event}: ${event.data}`)
  return JSON.parse(event.data) as ReturnType<typeof parsed>
}
