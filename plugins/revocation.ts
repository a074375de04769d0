import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { findMembershipVersion } from '#db/queries/memberships.js'
import { recentlyEndedSessions } from '#db/queries/refresh-tokens.js'
import { tenantScope } from '#db/tenant-scope.js'
import { Revocations } from '#src/auth/revocations.js'
import { hooksOf } from '#src/http/route-hooks.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Ended sessions and membership versions every access token is checked against (plugins/auth.ts). */
    revocations: Revocations
  }
  interface FastifyContextConfig {
    /**
     * The route ends sessions or changes memberships: its success is answered only once this
     * instance has applied the change too, so the caller's next request here already sees it.
     */
    changesAccess?: boolean
  }
}

/** The channel the triggers of migration 2026120102 NOTIFY on. */
export const AUTH_CHANNEL = 'retail_ops_auth'

type AuthNotice = { kind: 'session', session_id: string } | { kind: 'membership', tenant_id: string, user_id: string, version: number | null }

function parseNotice (payload: string): AuthNotice | undefined {
  try {
    const notice = JSON.parse(payload) as Partial<Record<string, unknown>>
    if (notice.kind === 'session' && typeof notice.session_id === 'string') return { kind: 'session', session_id: notice.session_id }
    if (notice.kind === 'membership' && typeof notice.tenant_id === 'string' && typeof notice.user_id === 'string' && (notice.version === null || typeof notice.version === 'number')) {
      return { kind: 'membership', tenant_id: notice.tenant_id, user_id: notice.user_id, version: notice.version }
    }
  } catch {}
  return undefined
}

/**
 * Keeps every instance's Revocations current: the database announces each ended session and each
 * membership change on commit (triggers, so no writer can forget), this instance applies it
 * within milliseconds. After a gap in the listener's connection it reloads the sessions ended
 * within an access token's lifetime and forgets the membership versions it knew.
 */
export default fp(async (app) => {
  const ttlSeconds = app.config.ACCESS_TOKEN_TTL_SECONDS
  const revocations = new Revocations(ttlSeconds * 1000, async (tenantId, userId) => await findMembershipVersion(app.db, tenantScope(tenantId), userId))
  app.decorate('revocations', revocations)

  app.pgListener.on(AUTH_CHANNEL, (payload) => {
    const notice = parseNotice(payload)
    if (notice === undefined) return app.log.warn({ payload }, 'ignored a malformed revocation notice')
    if (notice.kind === 'session') revocations.revokeSession(notice.session_id)
    else revocations.membershipChanged(notice.tenant_id, notice.user_id, notice.version)
  })
  app.pgListener.onSynchronise(async () => {
    revocations.forgetMemberships()
    for (const session of await recentlyEndedSessions(app.db, ttlSeconds)) revocations.revokeSession(session.family_id, Date.parse(session.revoked_at))
  })

  // Other instances apply a change when its notice arrives (milliseconds); the one that made it
  // waits for its own before answering, so a token it just revoked is never accepted by it again.
  const appliedHere = async (_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (reply.statusCode < 400) await app.pgListener.caughtUp()
    return payload
  }
  app.addHook('onRoute', (route) => {
    if (route.config?.changesAccess === true) route.onSend = [...hooksOf(route.onSend), appliedHere]
  })

  const pruning = setInterval(() => { revocations.prune() }, 60_000)
  pruning.unref()
  app.addHook('onClose', async () => { clearInterval(pruning) })
}, { name: 'revocation', dependencies: ['config', 'database', 'notifications'] })
