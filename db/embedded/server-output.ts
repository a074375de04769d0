/** Buffers server and initdb output; forwards only the lines that signal trouble once the server runs. */
export class ServerOutput {
  #recent: string[] = []
  #partial = ''
  #running = false
  #forwarding = false
  #shutdownRequested = false
  readonly #log: (message: string) => void

  constructor (log: (message: string) => void) {
    this.#log = log
  }

  write (chunk: string): void {
    const text = this.#partial + chunk
    const lines = text.split('\n')
    this.#partial = lines.pop() ?? ''
    for (const line of lines) this.#line(line.replace(/\r$/, ''))
  }

  startAttempt (): void {
    this.#recent = []
    this.#partial = ''
  }

  running (): void {
    this.#running = true
  }

  /** During our own shutdown the server's complaints (exiting workers, cut-off clients) are expected. */
  quiet (): void {
    this.#running = false
  }

  lines (): string[] {
    return this.#partial === '' ? [...this.#recent] : [...this.#recent, this.#partial]
  }

  text (): string {
    return this.lines().join('\n').trim()
  }

  /** Whether the server was asked to shut down by a signal it received directly (e.g. Ctrl-C). */
  get shutdownRequested (): boolean {
    return this.#shutdownRequested
  }

  #line (line: string): void {
    if (line.trim() === '') return
    this.#recent.push(line)
    if (this.#recent.length > 200) this.#recent.shift()
    if (this.#running && /received (smart|fast|immediate) shutdown request/.test(line)) {
      this.#shutdownRequested = true
      this.#running = false
    }
    if (!this.#running) return
    const severity = /\b(LOG|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT):\s/.exec(line)?.[1]
    if (severity === undefined || ['DETAIL', 'HINT', 'CONTEXT', 'STATEMENT'].includes(severity)) {
      // Continuation of the previous message.
      if (this.#forwarding) this.#log(`postgres: ${line}`)
      return
    }
    this.#forwarding = matters(severity, line)
    if (this.#forwarding) this.#log(`postgres: ${line}`)
  }
}

/**
 * Statement errors (ERROR) reach the client that caused them, so they are not repeated here;
 * FATAL/PANIC and crashes of server processes are.
 */
function matters (severity: string, line: string): boolean {
  if (severity === 'FATAL' || severity === 'PANIC') {
    // Routine: clients cut off by shutdown or pg_terminate_backend(), or arriving during start/stop.
    return !/terminating connection due to administrator command|the database system is (starting up|shutting down|not yet accepting connections)/.test(line)
  }
  if (severity === 'LOG') {
    return /was terminated by signal|exited with exit code [1-9]|terminating any other active server processes|database system was interrupted/.test(line)
  }
  return false
}
