import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'

export interface ServerProcess {
  name: string
  pid: number
  baseUrl: string
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  output: () => string
  /** SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  stop: (graceMs?: number) => Promise<void>
  /** SIGKILL at once, synchronously (the last resort on process exit). */
  kill: () => void
}

/** What to run: `node <nodeArgs> <entry>`, e.g. compiled JavaScript as is, or TypeScript with `--import tsx`. */
export interface ServerCommand {
  /** The script, relative to `cwd`. */
  entry: string
  /** Node's own options, before the entry. */
  nodeArgs: string[]
}

export interface StartOptions {
  cwd: string
  /** Added to this process's environment; an undefined value removes the variable. */
  env: Record<string, string | undefined>
  timeoutMs?: number
  signal?: AbortSignal
}

const HOST = '127.0.0.1'
const OUTPUT_LIMIT = 16_384

/**
 * Starts `command` as its own process (so its CPU time is its own) and waits until it accepts
 * connections on its port.
 */
export async function startServerProcess (name: string, command: ServerCommand, options: StartOptions): Promise<ServerProcess> {
  const port = await freePort()
  const env = Object.entries({ ...process.env, ...options.env, HOST, PORT: String(port) })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
  const child = spawn(process.execPath, [...command.nodeArgs, command.entry], {
    cwd: options.cwd,
    env: Object.fromEntries(env),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  // Always drain the pipes: a full pipe would block the server.
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-OUTPUT_LIMIT) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = once(child, 'exit')

  const server: ServerProcess = {
    name,
    pid: child.pid ?? 0,
    baseUrl: `http://${HOST}:${port}`,
    output: () => output.trim(),
    stop: stopper(child, exited),
    kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  while (!(await accepts(port))) {
    if (options.signal?.aborted === true) {
      await server.stop()
      throw new Error(`${name}: interrupted while starting`)
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.signalCode ?? `code ${child.exitCode}`}) before it listened:\n${server.output()}`)
    }
    if (Date.now() > deadline) {
      await server.stop(0)
      throw new Error(`${name} did not listen within ${(options.timeoutMs ?? 60_000) / 1000} s:\n${server.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return server
}

function stopper (child: ChildProcess, exited: Promise<unknown>): (graceMs?: number) => Promise<void> {
  let stopping: Promise<void> | undefined
  const running = (): boolean => child.exitCode === null && child.signalCode === null
  return (graceMs = 10_000) => (stopping ??= (async () => {
    if (!running()) return
    child.kill('SIGTERM')
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), graceMs) })
    const result = await Promise.race([exited, timedOut])
    clearTimeout(timer)
    if (result === 'timeout' && running()) {
      child.kill('SIGKILL')
      await exited
    }
  })())
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no free port'))
      })
    })
  })
}
