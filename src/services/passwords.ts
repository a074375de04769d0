import { availableParallelism } from 'node:os'
import { hash, verify, type Options } from '@node-rs/argon2'

/** `Algorithm.Argon2id`; the package exports it as a const enum, which this build cannot import. */
const ARGON2ID = 2

/**
 * argon2id at 32 MiB and 3 passes: about 65-70 ms per hash on these 2-core machines, above the
 * OWASP minimum (19 MiB, 2 passes). The native library runs on libuv's thread pool, off the
 * event loop.
 */
const options: Options = { algorithm: ARGON2ID, memoryCost: 32768, timeCost: 3, parallelism: 1 }

/** A hash of a random string with the same parameters: verifying against it costs the same as a real check. */
const DUMMY_HASH = '$argon2id$v=19$m=32768,t=3,p=1$vwPoGaIphuYN5JFMqFVAuw$x7n/Bg/ryZWCeQXAakYRB56LzpiN6GcpjZ5A3lEFSxs'

/**
 * Each hash holds 32 MiB while it runs, and libuv's pool would run four at once: a burst of logins
 * took the process from 136 MB to 258 MB of RSS. More hashes than cores only queue inside the
 * pool anyway, so running at most one per core (two at most) costs no throughput and caps that
 * memory at 64 MiB; the others wait their turn here, in arrival order.
 */
const MAX_CONCURRENT_HASHES = Math.min(2, availableParallelism())
let running = 0
const queue: Array<() => void> = []

async function oneAtATime<T> (work: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT_HASHES) running++
  else await new Promise<void>((resolve) => { queue.push(resolve) }) // the slot is handed over, not freed
  try {
    return await work()
  } finally {
    const next = queue.shift()
    if (next === undefined) running--
    else next()
  }
}

export async function hashPassword (password: string): Promise<string> {
  return await oneAtATime(async () => await hash(password, options))
}

/**
 * Checks a password against a stored hash, or against a dummy hash when there is no user, so an
 * unknown email and a wrong password take the same time.
 */
export async function verifyPassword (storedHash: string | undefined, password: string): Promise<boolean> {
  try {
    const matches = await oneAtATime(async () => await verify(storedHash ?? DUMMY_HASH, password))
    return matches && storedHash !== undefined
  } catch {
    return false
  }
}
