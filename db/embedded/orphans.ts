import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { codeOf, EmbeddedPostgresError } from './errors.js'
import { isAlive } from './processes.js'
import { STOP_FORCE_MS, STOP_GRACE_MS } from './settings.js'
import { waitUntil } from './waiting.js'

/**
 * A postmaster.pid left in the data directory: removed when stale; when its server still runs
 * (an orphan of a killed process, since we hold the owner lock), that server is stopped.
 */
export async function clearPreviousServer (dataDir: string, shown: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid')
  let content: string
  try {
    content = await fs.readFile(pidFile, 'utf8')
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return
    throw error
  }
  const pid = Number(content.split('\n')[0])
  const valid = Number.isSafeInteger(pid) && pid > 0
  if (!valid || !isAlive(pid) || !(await isPostmasterOf(pid, dataDir))) {
    log(`Removing a stale postmaster.pid from ${shown}${valid ? ` (process ${pid} no longer runs PostgreSQL)` : ''}.`)
    await fs.rm(pidFile, { force: true })
    return
  }

  // We own the lock, so no live Node process owns this server: its owner was killed.
  log(`Found an orphaned PostgreSQL server (process ${pid}) on ${shown}, left running by a process that did not shut down cleanly; stopping it.`)
  const gone = (): boolean => !existsSync(pidFile) || !isAlive(pid)
  signal(pid, 'SIGINT')
  if (!(await waitUntil(gone, STOP_GRACE_MS))) {
    log(`The orphaned PostgreSQL server (process ${pid}) did not stop within ${STOP_GRACE_MS / 1000} s; forcing an immediate shutdown.`)
    signal(pid, 'SIGQUIT')
    if (!(await waitUntil(gone, STOP_FORCE_MS))) {
      throw new EmbeddedPostgresError(`An orphaned PostgreSQL server (process ${pid}) keeps running on ${shown} and could not be stopped; stop it yourself (kill ${pid}) and try again.`)
    }
  }
  // Dead without cleaning up after itself (or a zombie nobody reaps).
  if (existsSync(pidFile) && !isAlive(pid)) await fs.rm(pidFile, { force: true })
  log(`Stopped the orphaned PostgreSQL server (process ${pid}).`)
}

/** Whether `pid` is a postmaster serving `dataDir` (and not an unrelated process that reuses the pid). */
async function isPostmasterOf (pid: number, dataDir: string): Promise<boolean> {
  if (existsSync('/proc/self')) {
    try {
      // The postmaster's working directory is its data directory.
      const [cwd, real] = await Promise.all([fs.readlink(`/proc/${pid}/cwd`), fs.realpath(dataDir)])
      return cwd === real
    } catch {
      return false
    }
  }
  const command = await new Promise<string>((resolve) => {
    execFile('ps', ['-o', 'command=', '-p', String(pid)], (error, stdout) => resolve(error === null ? stdout : ''))
  })
  return /postgres/.test(command)
}

function signal (pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch (error) {
    if (codeOf(error) !== 'ESRCH') throw error
  }
}
