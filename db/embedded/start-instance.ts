import { once } from 'node:events'
import { EmbeddedPostgresError, errorText } from './errors.js'
import { childOf, forgetChild, isRunning, type ServerInstance } from './library.js'
import type { ServerOutput } from './server-output.js'
import { HOST, START_TIMEOUT_MS, STOP_FORCE_MS } from './settings.js'
import { within } from './waiting.js'

export interface StartFailure { error: EmbeddedPostgresError, portTaken: boolean }

export async function startInstance (instance: ServerInstance, output: ServerOutput, shown: string): Promise<StartFailure | undefined> {
  // start() resolves on "ready to accept connections" and rejects if postgres exits first; it
  // never times out by itself.
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS) })
  let result: 'ready' | 'exited' | 'timeout'
  try {
    result = await Promise.race([instance.start().then(() => 'ready' as const, () => 'exited' as const), timedOut])
  } finally {
    clearTimeout(timer)
  }
  if (result === 'ready') return undefined

  const child = childOf(instance)
  if (child !== undefined && isRunning(child)) {
    const exited = once(child, 'exit')
    child.kill('SIGQUIT')
    await within(exited, STOP_FORCE_MS)
  }
  forgetChild(instance)
  if (result === 'timeout') {
    return {
      portTaken: false,
      error: new EmbeddedPostgresError(`The embedded PostgreSQL server in ${shown} did not become ready within ${START_TIMEOUT_MS / 1000} s.`, { details: output.text() })
    }
  }
  return describeStartFailure(output, shown)
}

function describeStartFailure (output: ServerOutput, shown: string): StartFailure {
  const text = output.text()
  const details = text === '' ? undefined : text
  const fail = (message: string, portTaken = false): StartFailure => ({ portTaken, error: new EmbeddedPostgresError(message, { details }) })

  if (/could not bind IPv[46] address|could not create any TCP\/IP sockets|Address already in use/i.test(text)) {
    return fail(`The embedded PostgreSQL server in ${shown} could not listen on its port because another program uses it.`, true)
  }
  if (/lock file "postmaster\.pid" already exists/.test(text)) {
    const pid = /another (?:postgres|postmaster) \(PID (\d+)\)/i.exec(text)?.[1]
    return fail(`Another PostgreSQL server${pid === undefined ? '' : ` (process ${pid})`} is already running on ${shown}; stop it and try again.`)
  }
  const incompatible = /initialized by PostgreSQL version (\S+), which is not compatible with this version (\S+)/.exec(text)
  if (incompatible !== null) {
    return fail(`The data in ${shown} was created by PostgreSQL ${incompatible[1] ?? '?'} and cannot be opened by the embedded PostgreSQL ${(incompatible[2] ?? '?').replace(/\.$/, '')}; delete ${shown} to start over (its data will be lost).`)
  }
  const fatal = output.lines().map((line) => /\b(?:FATAL|PANIC):\s+(.*)$/.exec(line)?.[1]).find((message) => message !== undefined)
  if (fatal !== undefined) {
    return fail(`The embedded PostgreSQL server in ${shown} failed to start: ${fatal.replace(/\.$/, '')}.`)
  }
  return fail(`The embedded PostgreSQL server in ${shown} exited while starting, without saying why.`)
}

export function initialiseError (error: unknown, shown: string, output: ServerOutput): EmbeddedPostgresError {
  const message = errorText(error)
  const details = [output.text(), message].filter((part) => part !== '').join('\n')
  if (/create and initialize a new user|retrieve the uid/i.test(message)) {
    return new EmbeddedPostgresError('Could not create the system user "postgres" that PostgreSQL must run as when Node runs as root.', { cause: error, details })
  }
  const reason = /ERROR OUTPUT:([\s\S]*)$/.exec(message)?.[1]
    ?.split('\n').map((line) => line.replace(/^\[STDERR\]\s*/, '').replace(/^initdb:\s*(error:\s*)?/, '').trim())
    .find((line) => line !== '' && !/^(hint|detail):/i.test(line))
  return new EmbeddedPostgresError(
    `Initialising the PostgreSQL data directory in ${shown} failed${reason === undefined ? '' : `: ${reason.replace(/\.$/, '')}`}.`,
    { cause: error, details }
  )
}

export function initdbFlags (persistent: boolean): string[] {
  return [
    '--encoding=UTF8',
    // The builtin provider behaves the same on every platform (no dependency on OS locales)
    // and still does Unicode-aware upper()/lower().
    '--locale=C',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--no-instructions',
    ...(persistent ? [] : ['--no-sync'])
  ]
}

export function postgresFlags (persistent: boolean): string[] {
  const settings = [
    `listen_addresses=${HOST}`,
    // TCP only: no socket files in /tmp to collide or go stale.
    'unix_socket_directories=',
    // Parallel test files each open their own pools.
    'max_connections=200',
    // Durability is pointless for throw-away test data; these make writes much cheaper.
    ...(persistent ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'])
  ]
  return settings.flatMap((setting) => ['-c', setting])
}
