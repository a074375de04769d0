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

export async function hashPassword (password: string): Promise<string> {
  return await hash(password, options)
}

/**
 * Checks a password against a stored hash, or against a dummy hash when there is no user, so an
 * unknown email and a wrong password take the same time.
 */
export async function verifyPassword (storedHash: string | undefined, password: string): Promise<boolean> {
  try {
    const matches = await verify(storedHash ?? DUMMY_HASH, password)
    return matches && storedHash !== undefined
  } catch {
    return false
  }
}
