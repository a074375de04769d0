import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import fs from 'node:fs/promises'
import { displayPath } from './display.js'
import { codeOf, EmbeddedPostgresError } from './errors.js'
import { isSameProcess, processStartTime } from './processes.js'

/**
 * The owner lock (`<dataDir>.owner.pid`: pid and start time of the Node process using the
 * server), so a second process fails fast with a clear message. Returns its release function.
 */
export async function acquireOwnerLock (lockPath: string, shown: string, log: (message: string) => void): Promise<() => Promise<void>> {
  const mine = `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(lockPath, mine)) {
      let released = false
      return async () => {
        if (released) return
        released = true
        // Only remove the lock while it is still ours.
        const content = await fs.readFile(lockPath, 'utf8').catch(() => undefined)
        if (content === mine) await fs.rm(lockPath, { force: true })
      }
    }
    const content = await fs.readFile(lockPath, 'utf8').catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined
      throw error
    })
    if (content === undefined) continue // released meanwhile
    const owner = parseOwner(content)
    if (owner !== undefined && isSameProcess(owner.pid, owner.startTime)) {
      throw new EmbeddedPostgresError(owner.pid === process.pid
        ? `The embedded database in ${shown} is already in use by this process (${owner.pid}); stop that instance first.`
        : `The embedded database in ${shown} is already in use by process ${owner.pid}. Stop that process, or set DATABASE_URL to use another server.`)
    }
    log(owner === undefined
      ? `Replacing an unreadable owner lock ${displayPath(lockPath)}.`
      : `Taking over the embedded database in ${shown} from process ${owner.pid}, which is no longer running.`)
    // Remove the stale lock unless someone replaced it in the meantime.
    const again = await fs.readFile(lockPath, 'utf8').catch(() => undefined)
    if (again === content) await fs.rm(lockPath, { force: true })
  }
  throw new EmbeddedPostgresError(`Could not take the owner lock ${displayPath(lockPath)} for the embedded database in ${shown}.`)
}

/** Creates `file` with `content` atomically; false if it exists. */
async function createExclusive (file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(temporary, content)
  try {
    // link() never leaves a half-written lock behind, unlike open('wx') followed by write().
    await fs.link(temporary, file)
    return true
  } catch (error) {
    const code = codeOf(error)
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error
    // File systems without hard links.
    try {
      await fs.writeFile(file, content, { flag: 'wx' })
      return true
    } catch (fallbackError) {
      if (codeOf(fallbackError) === 'EEXIST') return false
      throw fallbackError
    }
  } finally {
    await fs.rm(temporary, { force: true })
  }
}

function parseOwner (content: string): { pid: number, startTime: string | undefined } | undefined {
  const [pidLine, startLine] = content.split('\n')
  const pid = Number(pidLine)
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined
  return { pid, startTime: startLine === undefined || startLine === '' ? undefined : startLine }
}

export function releaseLockSync (lockPath: string): void {
  const owner = parseOwner(readFileSync(lockPath, 'utf8'))
  if (owner?.pid === process.pid) rmSync(lockPath, { force: true })
}
