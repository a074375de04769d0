/**
 * `npm run bench:events`: live-event figures on the compiled app (dist/, built first by npm run build):
 * - commit-to-client latency at 100 and 1,000 events/s: product creations over HTTP at that rate,
 *   one SSE client; from each POST's 201 (the commit is done) to its event on the stream;
 * - memory per 1,000 idle SSE streams and per 1,000 WebSocket connections (server RSS and heap, via /proc).
 * On DATABASE_URL's server (a throwaway database, dropped after) or an embedded PostgreSQL. Loopback only.
 */
import http from 'node:http'
import { readFileSync } from 'node:fs'
import WebSocket from 'ws'
import { provisionDatabase } from './database.js'
import { startServerProcess } from './server-process.js'
import { APP_ENTRY, APP_NODE_ARGS, serverEnv } from './targets.js'
import { openSse, parsed } from '#test/helpers/sse.js'

const log = (message: string): void => { process.stderr.write(`bench:events: ${message}\n`) }
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
async function post (base: string, path: string, body: unknown, token?: string): Promise<{ status: number, json: { data: Record<string, unknown> } }> {
  return await new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const request = http.request(`${base}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) } }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => { text += chunk.toString() })
      response.on('end', () => { resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) as { data: Record<string, unknown> } }) })
    })
    request.on('error', reject)
    request.end(payload)
  })
}

async function latencyAt (base: string, tenant: string, token: string, perSecond: number, seconds: number): Promise<{ p50: number, p99: number, count: number }> {
  const stream = await openSse(`${base}/api/v1/tenants/${tenant}/events?types=product.created`, { authorization: `Bearer ${token}` })
  const committedAt = new Map<string, number>()
  const latencies: number[] = []
  const reading = (async () => {
    for (;;) {
      const event = await stream.next(5000).catch(() => undefined)
      if (event === undefined) return
      const arrived = performance.now()
      const id = parsed(event).resource_id
      const committed = committedAt.get(id)
      if (committed !== undefined) latencies.push(arrived - committed)
      else committedAt.set(id, -arrived) // the event came before the 201: latency <= 0
    }
  })()
  const total = perSecond * seconds
  const started = performance.now()
  const sends: Array<Promise<void>> = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    sends.push(post(base, `/api/v1/tenants/${tenant}/products`, { name: `latency ${i}`, price_cents: 100, stock: 1, category: 'bench' }, token).then(({ json }) => {
      const at = performance.now()
      const id = String(json.data.id)
      const early = committedAt.get(id)
      if (early !== undefined && early < 0) latencies.push(0)
      else committedAt.set(id, at)
    }))
  }
  await Promise.all(sends)
  await sleep(1000)
  stream.close()
  await reading
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), count: latencies.length }
}

async function withServer (work: (base: string, pid: number, tenant: string, token: string) => Promise<void>): Promise<void> {
  const database = await provisionDatabase(process.env.DATABASE_URL, log)
  const env = { ...serverEnv({ logLevel: 'warn' }, database.url), RATE_LIMIT_ENABLED: 'false' }
  const server = await startServerProcess('app', { entry: APP_ENTRY, nodeArgs: APP_NODE_ARGS }, { cwd: process.cwd(), env })
  try {
    const base = server.baseUrl
    const registered = await post(base, '/api/v1/auth/register', { email: `events-${Date.now()}@example.com`, password: 'correct horse battery staple', name: 'Bench', tenant_name: 'Bench' })
    const { access_token: token, tenant } = registered.json.data as { access_token: string, tenant: { id: string } }
    await work(base, server.pid, tenant.id, token)
  } finally {
    await server.stop()
    await database.close()
  }
}

/** Server RSS before and with 1,000 idle connections of one kind, on a fresh server (so one kind's garbage does not hide the other's). */
async function memoryOf (kind: 'sse' | 'ws'): Promise<void> {
  await withServer(async (base, pid, tenant, token) => {
    // Warm up the paths first, so their code and caches are not counted as the connections' cost.
    for (let i = 0; i < 20; i++) {
      if (kind === 'sse') (await openSse(`${base}/api/v1/tenants/${tenant}/events`, { authorization: `Bearer ${token}` })).close()
    }
    await sleep(2000)
    const before = rssMb(pid)
    const closers: Array<() => void> = []
    for (let i = 0; i < 1000; i++) {
      if (kind === 'sse') {
        const client = await openSse(`${base}/api/v1/tenants/${tenant}/events`, { authorization: `Bearer ${token}` })
        closers.push(client.close)
      } else {
        const socket = new WebSocket(`${base.replace('http', 'ws')}/api/v1/tenants/${tenant}/ws`, { headers: { authorization: `Bearer ${token}` } })
        await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject) })
        socket.send(JSON.stringify({ type: 'subscribe' }))
        closers.push(() => { socket.terminate() })
      }
    }
    await sleep(2000)
    const after = rssMb(pid)
    log(`1,000 idle ${kind === 'sse' ? 'SSE streams' : 'WebSocket connections'}: server RSS ${before.toFixed(0)} -> ${after.toFixed(0)} MB (+${(after - before).toFixed(1)} MB, ${((after - before) * 1024 / 1000).toFixed(1)} KB each)`)
    for (const close of closers) close()
  })
}

async function main (): Promise<void> {
  await withServer(async (base, _pid, tenant, token) => {
    for (const rate of [100, 1000]) {
      const figures = await latencyAt(base, tenant, token, rate, 5)
      log(`${rate} events/s: commit-to-client p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms (${figures.count} events)`)
    }
  })
  await memoryOf('sse')
  await memoryOf('ws')
  agent.destroy()
}

await main()
