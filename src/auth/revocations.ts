import { LRUCache } from 'lru-cache'
import type { AuthContext } from '#src/services/auth-context.js'

/** Membership versions come from a sequence that starts at 1, so 0 stands for "not a member". */
const NO_MEMBERSHIP = 0

/** What this instance knows about a token's session and membership. */
export type Standing = 'valid' | 'revoked' | 'unknown'

/**
 * The revocations an access token must be checked against on every request, kept in memory and
 * current through notifications (plugins/revocation.ts):
 * - sessions (refresh-token families) ended by logout, logout-all, a password change or reuse
 *   detection: their access tokens stop at once, not when they expire;
 * - membership versions: a token issued for an older version (the member was re-roled, or removed
 *   and perhaps added again) or for a membership that is gone no longer works, so the role claim
 *   of a valid token is always the current role.
 */
export class Revocations {
  /** Session id -> when its last access token expires at the latest; no need to remember it after. */
  readonly #sessions = new Map<string, number>()
  /** `tenant:user` -> the current membership version, NO_MEMBERSHIP when there is none. */
  readonly #memberships: LRUCache<string, number, unknown>
  readonly #tokenTtlMs: number

  constructor (tokenTtlMs: number, load: (tenantId: string, userId: string) => Promise<number | null>) {
    this.#tokenTtlMs = tokenTtlMs
    this.#memberships = new LRUCache<string, number, unknown>({
      max: 100_000,
      // A safety net only: notifications keep entries current, and a reconnect forgets them all.
      ttl: 5 * 60_000,
      allowStale: false,
      fetchMethod: async (key) => {
        const [tenantId = '', userId = ''] = key.split(':')
        return (await load(tenantId, userId)) ?? NO_MEMBERSHIP
      }
    })
  }

  /** The answer from memory; 'unknown' when the membership has not been read on this instance yet. */
  standing (auth: AuthContext): Standing {
    if (this.#sessions.has(auth.sessionId)) return 'revoked'
    const version = this.#memberships.get(`${auth.tenantId}:${auth.userId}`)
    if (version === undefined) return 'unknown'
    return version === auth.membershipVersion ? 'valid' : 'revoked'
  }

  /** The same after reading the membership from the database (once per member and instance). */
  async check (auth: AuthContext): Promise<Standing> {
    const standing = this.standing(auth)
    if (standing !== 'unknown') return standing
    const key = `${auth.tenantId}:${auth.userId}`
    let version: number | undefined
    try {
      version = await this.#memberships.fetch(key)
    } catch (error) {
      // A notification set the value while it was being read: that value is newer.
      version = this.#memberships.get(key)
      if (version === undefined) throw error
    }
    if (this.#sessions.has(auth.sessionId)) return 'revoked'
    return version === auth.membershipVersion ? 'valid' : 'revoked'
  }

  revokeSession (sessionId: string, revokedAt = Date.now()): void {
    this.#sessions.set(sessionId, revokedAt + this.#tokenTtlMs)
  }

  membershipChanged (tenantId: string, userId: string, version: number | null): void {
    this.#memberships.set(`${tenantId}:${userId}`, version ?? NO_MEMBERSHIP)
  }

  /** After a gap in notifications: read every membership again on its next request. */
  forgetMemberships (): void {
    this.#memberships.clear()
  }

  /** Drops sessions whose access tokens have all expired. */
  prune (now = Date.now()): void {
    for (const [sessionId, until] of this.#sessions) {
      if (until <= now) this.#sessions.delete(sessionId)
    }
  }
}
