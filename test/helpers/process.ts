import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * A server process compiles its TypeScript on start, which blocks its event loop for a while on a
 * busy machine: load shedding would answer 503 to the first requests of a test. It is off here;
 * test/plugins/load-shedding.test.ts covers it.
 */
const processTestDefaults = { LOAD_MAX_EVENT_LOOP_DELAY_MS: '0' }

export interface ServerProcess {
  child: ChildProcess
  port: number
  output: () => string
  exited: Promise<number | null>
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

/**
 * Starts a TypeScript entry file as its own Node process and waits for the "API ready" line.
 * `detached` puts it in a process group of its own, as a terminal does with a command, so a test
 * can signal the whole group (`process.kill(-pid, 'SIGINT')` is Ctrl-C).
 */
export async function startServerProcess (entry: string, env: Record<string, string>, timeoutMs = 30000, options: { detached?: boolean } = {}): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    detached: options.detached ?? false,
    env: { ...process.env, ...processTestDefaults, NODE_ENV: 'test', LOG_LEVEL: 'info', FASTIFY_AUTOLOAD_TYPESCRIPT: '1', HOST: '127.0.0.1', PORT: String(port), JWT_SECRET: 'process-test-secret-at-least-32-bytes', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const started = Date.now()
  while (!output.includes('API ready at')) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output}`)
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL')
      throw new Error(`server was not ready within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return { child, port, output: () => output, exited }
}

/** Runs an entry to completion and returns its exit code and output (for start-up failures). */
export async function runToExit (entry: string, env: Record<string, string>, timeoutMs = 30000): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { ...process.env, ...processTestDefaults, NODE_ENV: 'test', FASTIFY_AUTOLOAD_TYPESCRIPT: '1', HOST: '127.0.0.1', JWT_SECRET: 'process-test-secret-at-least-32-bytes', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)))
  clearTimeout(timer)
  return { code, output }
}

/** A process's state and parent from /proc; undefined when it is gone. */
function procStat (pid: number): { state: string, ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0] ?? '', ppid: Number(fields[1]) }
  } catch {
    return undefined
  }
}

/**
 * Is the process running? Read from /proc, not with `kill(pid, 0)`: on machines whose init reaps
 * orphans late a stopped process lingers as a zombie, and `kill` still succeeds on it.
 */
export function isRunning (pid: number): boolean {
  const state = procStat(pid)?.state
  return state !== undefined && state !== 'Z' && state !== 'X'
}

/** Running child processes of `parent`. */
export function childrenOf (parent: number): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number)
    .filter((pid) => procStat(pid)?.ppid === parent && isRunning(pid))
}
