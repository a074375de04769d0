/** A small client for seeding through the public API, as any client would. */
export class ApiError extends Error {
  readonly status: number

  constructor (method: string, path: string, status: number, body: string) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 300)}`)
    this.status = status
  }
}

export class ApiClient {
  readonly baseUrl: string
  readonly #signal: AbortSignal | undefined
  token: string | undefined

  constructor (baseUrl: string, signal?: AbortSignal) {
    this.baseUrl = baseUrl
    this.#signal = signal
  }

  /** A client for the same server that sends `token` as its Bearer token. */
  withToken (token: string): ApiClient {
    const client = new ApiClient(this.baseUrl, this.#signal)
    client.token = token
    return client
  }

  /** Sends a JSON request and returns the envelope's `data`; any other status than `expected` throws. */
  async request<T> (method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      signal: this.#signal,
      ...(body !== undefined && { body: JSON.stringify(body) })
    })
    const text = await response.text()
    if (response.status !== expected) throw new ApiError(method, path, response.status, text)
    return (JSON.parse(text) as { data: T }).data
  }

  async post<T> (path: string, body: unknown, expected = 201): Promise<T> {
    return await this.request<T>('POST', path, body, expected)
  }
}

/** Runs `work(0) .. work(count - 1)` with at most `limit` in flight; results in index order. */
export async function mapLimited<T> (count: number, limit: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++
      results[index] = await work(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
  return results
}
