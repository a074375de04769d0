import fs from 'node:fs/promises'
import path from 'node:path'
import { codeOf, EmbeddedPostgresError } from './errors.js'
import { USER } from './settings.js'
export async function assertEmptyOrMissing (dataDir: string, shown: string): Promise<void> {
  let entries: string[]
  try {
    entries = await fs.readdir(dataDir)
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return
    throw error
  }
  if (entries.length > 0) {
    throw new EmbeddedPostgresError(`The directory ${shown} is not empty but holds no PostgreSQL data (it has no PG_VERSION); delete it or choose another data directory.`)
  }
}

/**
 * As root, the package runs PostgreSQL as the system user `postgres`, which must be able to
 * enter every directory above the data directory (a `mkdtemp` directory is 0700, for instance).
 */
export async function assertReachableByPostgresUser (dataDir: string): Promise<void> {
  const account = await systemAccount(USER)
  let dir = path.dirname(dataDir)
  const ancestors: string[] = []
  while (true) {
    ancestors.unshift(dir)
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  for (const ancestor of ancestors) {
    const stat = await fs.stat(ancestor)
    const reachable = (stat.mode & 0o001) !== 0 ||
      (account !== undefined && stat.uid === account.uid && (stat.mode & 0o100) !== 0) ||
      (account !== undefined && stat.gid === account.gid && (stat.mode & 0o010) !== 0)
    if (!reachable) {
      throw new EmbeddedPostgresError(`PostgreSQL runs as the system user "postgres" when Node runs as root, and that user cannot enter ${ancestor} (mode ${(stat.mode & 0o777).toString(8)}); make it accessible (chmod o+x) or put the data directory elsewhere.`)
    }
  }
}

export async function systemAccount (name: string): Promise<{ uid: number, gid: number } | undefined> {
  try {
    const passwd = await fs.readFile('/etc/passwd', 'utf8')
    const fields = passwd.split('\n').map((line) => line.split(':')).find((entry) => entry[0] === name)
    if (fields === undefined) return undefined
    return { uid: Number(fields[2]), gid: Number(fields[3]) }
  } catch {
    return undefined
  }
}
