import WebSocket from 'ws'

export interface Message { type: string, [key: string]: unknown }

/** A WebSocket client that queues the server's messages for `next()`; `protocol`: the subprotocol to ask for. */
export async function connect (url: string, headers: Record<string, string> = {}, protocol?: string): Promise<{ socket: WebSocket, next: (timeoutMs?: number) => Promise<Message>, closed: Promise<{ code: number, reason: string }> }> {
  const socket = protocol === undefined ? new WebSocket(url, { headers }) : new WebSocket(url, protocol, { headers })
  const queue: Message[] = []
  const waiting: Array<(message: Message) => void> = []
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as Message
    const waiter = waiting.shift()
    if (waiter !== undefined) waiter(message)
    else queue.push(message)
  })
  const closed = new Promise<{ code: number, reason: string }>((resolve) => { socket.once('close', (code, reason) => { resolve({ code, reason: reason.toString() }) }) })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => { resolve() })
    socket.once('unexpected-response', (request, response) => {
      request.destroy()
      reject(new Error(`HTTP ${response.statusCode}`))
    })
    socket.once('error', reject)
  })
  const next = async (timeoutMs = 3000): Promise<Message> => {
    const queued = queue.shift()
    if (queued !== undefined) return queued
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no message within ${timeoutMs} ms`)) }, timeoutMs)
      waiting.push((message) => { clearTimeout(timer); resolve(message) })
    })
  }
  return { socket, next, closed }
}
