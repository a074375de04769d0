import { createHash } from 'node:crypto'
import { claimKey, findLiveKey, storeResponse, type StoredResponse } from '#db/queries/idempotency-keys.js'
import type { Db, Trx } from '#db/schema/index.js'
import { isLockNotAvailable, isQueryCanceled } from '#db/postgres-errors.js'
import { errors, type AppError } from '../errors/index.js'
import { scopeOf, type AuthContext } from './auth-context.js'

/** How long a stored response answers retries. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60

export interface IdempotentRequest {
  /** The Idempotency-Key header; undefined runs the work once, without storing anything. */
  key: string | undefined
  /** Names the operation; part of the request hash, so one key cannot be replayed elsewhere. */
  operation: string
  /** Everything the operation depends on (path ids and body); hashed in canonical form. */
  input: unknown
  /** The status of the successful response, stored with it for the record. */
  status: number
  /** Aborts when the request has been answered with a timeout: the work is then rolled back, not committed. */
  signal?: AbortSignal | undefined
}

/** What a write that may be retried takes from its request. */
export interface WriteOptions {
  idempotencyKey?: string | undefined
  signal?: AbortSignal | undefined
}

/**
 * Refuses to commit work whose request was already answered with 503 (the handler timeout): the
 * client was told it failed, so it must not have happened. Called just before COMMIT.
 */
function refuseIfAbandoned (signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw errors.SERVICE_UNAVAILABLE({ reason: 'queryTimeout' })
}

export interface IdempotentResult<T> {
  value: T
  /** True when this is the stored response of an earlier request with the same key. */
  replayed: boolean
}

/** JSON with object keys sorted at every level, so equal bodies hash equally whatever their key order. */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function requestHash (auth: AuthContext, operation: string, input: unknown): string {
  return createHash('sha256').update(canonicalJson({ operation, user: auth.userId, input })).digest('hex')
}

function inProgress (): AppError {
  return errors.IDEMPOTENCY_IN_PROGRESS()
}

function replay<T> (stored: StoredResponse, hash: string): IdempotentResult<T> {
  if (stored.request_hash !== hash) {
    throw errors.IDEMPOTENCY_KEY_REUSED()
  }
  // A committed record always has its response (it is stored in the claiming transaction).
  if (stored.response_status === null) throw inProgress()
  return { value: stored.response_body as T, replayed: true }
}

/**
 * Runs `work` in a transaction, at most once per tenant and Idempotency-Key.
 *
 * The key is claimed by inserting its record inside the same transaction as the work, and the
 * response is stored there too, so the order (or void, or payment) and its stored response
 * commit together or not at all: a crash can never leave work done without its response, or a
 * claim without work. A concurrent request with the same key blocks on the uncommitted record
 * until the first transaction ends, then replays its response; if it waited past the statement
 * timeout it gets 409 IDEMPOTENCY_IN_PROGRESS instead.
 *
 * Only successes are stored. A domain error (409 INSUFFICIENT_STOCK, 404, ...) rolls the claim
 * back with everything else: nothing happened, so a retry with the same key is evaluated afresh
 * (and succeeds once, say, the stock is there). The same key with a different request (another
 * body, path, operation or user) is 422 IDEMPOTENCY_KEY_REUSED. Records expire after 24 h; an
 * expired key is free for reuse.
 *
 * A request answered 503 by the handler timeout while its work still ran (`signal` aborted) is
 * rolled back at the end instead of committed, so the failure the client saw is the truth.
 */
export async function withIdempotency<T> (db: Db, auth: AuthContext, request: IdempotentRequest, work: (trx: Trx) => Promise<T>): Promise<IdempotentResult<T>> {
  const { key, status } = request
  if (key === undefined) {
    const value = await db.transaction().execute(async (trx) => {
      const done = await work(trx)
      refuseIfAbandoned(request.signal)
      return done
    })
    return { value, replayed: false }
  }
  const scope = scopeOf(auth)
  const hash = requestHash(auth, request.operation, request.input)

  // Retries of finished requests, the common case, need no transaction.
  const stored = await findLiveKey(db, scope, key)
  if (stored !== undefined) return replay(stored, hash)

  return await db.transaction().execute(async (trx) => {
    let claimed: boolean
    try {
      claimed = await claimKey(trx, scope, { key, userId: auth.userId, requestHash: hash, ttlSeconds: IDEMPOTENCY_TTL_SECONDS })
    } catch (error) {
      if (isQueryCanceled(error) || isLockNotAvailable(error)) throw inProgress()
      throw error
    }
    if (!claimed) {
      // Another transaction committed this key while we waited for it.
      const winner = await findLiveKey(trx, scope, key)
      if (winner === undefined) throw inProgress()
      return replay<T>(winner, hash)
    }
    const value = await work(trx)
    await storeResponse(trx, scope, key, status, value)
    refuseIfAbandoned(request.signal)
    return { value, replayed: false }
  })
}
