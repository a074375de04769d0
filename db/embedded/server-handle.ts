import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import fs from 'node:fs/promises'
import { childOf, forgetChild, isRunning, type ServerInstance } from './library.js'
import { releaseLockSync } from './owner-lock.js'
import type { ServerOutput } from './server-output.js'
import { EmbeddedPostgresError } from './errors.js'
import { HOST, PASSWORD, STOP_FORCE_MS, STOP_GRACE_MS, USER } from './settings.js'
import { within } from './waiting.js'

export interface EmbeddedPostgres {
  /** `postgres://postgres:postgres@127.0.0.1:PORT/postgres` */
  url: string
  port: number
  /** Stops the server (deleting the data when not persistent) and releases the lock. Idempotent. */
  stop(): Promise<void>
}

export interface HandleContext {
  dataDir: string
  statePath: string
  lockPath: string
  port: number
  persistent: boolean
  log: (message: string) => void
  output: ServerOutput
  releaseLock: () => Promise<void>
}

export function handle (server: ServerInstance, context: HandleContext): EmbeddedPostgres {
  const { port, persistent, log } = context
  const child = childOf(server)
  let stopping: Promise<void> | undefined

  if (child !== undefined) {
    child.once('exit', (code, signal) => {
      if (stopping !== undefined) return
      log(context.output.shutdownRequested
        ? `The embedded PostgreSQL server on port ${port} shut down on a signal sent to it directly (such as Ctrl-C in the terminal).`
        : `The embedded PostgreSQL server on port ${port} exited unexpectedly (${signal ?? `exit code ${code ?? 'unknown'}`}).`)
    })
  }

  // Safety net for process.exit() without stop(): the package's own exit hooks are removed
  // (see loadLibrary), so ask the server to shut down and give up the lock synchronously.
  const onExit = (): void => {
    if (child !== undefined && isRunning(child)) {
      try { child.kill(persistent ? 'SIGINT' : 'SIGQUIT') } catch {}
    }
    try { releaseLockSync(context.lockPath) } catch {}
    if (!persistent) {
      try { rmSync(context.dataDir, { recursive: true, force: true }) } catch {}
      try { rmSync(context.statePath, { force: true }) } catch {}
    }
  }
  process.once('exit', onExit)

  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit)
    context.output.quiet()
    try {
      if (child !== undefined) {
        await stopChild(child, `The embedded PostgreSQL server on port ${port}`, log)
      } else {
        await server.stop()
      }
    } finally {
      // The package's stop() (should anything call it) is a no-op once its process is gone.
      forgetChild(server)
      if (!persistent) await removeData(context.dataDir, context.statePath)
      await context.releaseLock()
    }
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`,
    port,
    stop: () => (stopping ??= stop())
  }
}

async function stopChild (child: ChildProcess, what: string, log: (message: string) => void): Promise<void> {
  if (!isRunning(child)) return
  const exited = once(child, 'exit')
  // SIGINT is PostgreSQL's "fast" shutdown: roll back, disconnect clients, checkpoint, exit.
  child.kill('SIGINT')
  if (await within(exited, STOP_GRACE_MS)) return
  log(`${what} did not stop within ${STOP_GRACE_MS / 1000} s; forcing an immediate shutdown.`)
  child.kill('SIGQUIT')
  if (await within(exited, STOP_FORCE_MS)) return
  child.kill('SIGKILL')
  if (await within(exited, STOP_FORCE_MS)) return
  throw new EmbeddedPostgresError(`${what} (process ${child.pid ?? '?'}) could not be stopped.`)
}

export async function removeData (dataDir: string, statePath: string): Promise<void> {
  await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 3 })
  await fs.rm(statePath, { force: true })
}
