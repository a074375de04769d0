import type { Db, TenantRow } from '#db/schema/index.js'
import { uuidv7 } from '#db/ids.js'
import { tenantScope } from '#db/tenant-scope.js'
import { findTenant, insertTenant } from '#db/queries/tenants.js'
import { findMembership, insertMembership, listUserTenants, type Membership } from '#db/queries/memberships.js'
import { findRefreshToken, findRefreshTokenForUpdate, insertRefreshToken, lockSessionsOf, markRotated, revokeFamily, revokeUserSessions } from '#db/queries/refresh-tokens.js'
import { findCredentialsByEmail, findUserById, insertUser, type PublicUser } from '#db/queries/users.js'
import { constraints, isUniqueViolation } from '#db/postgres-errors.js'
import { errors } from '../errors/index.js'
import type { Session } from '../schemas/identity.js'
import { normalizeEmail } from './email.js'
import { hashPassword, verifyPassword } from './passwords.js'
import { hashRefreshToken, newRefreshToken, type AccessTokenSigner } from './tokens.js'

export interface AuthDeps {
  db: Db
  signer: AccessTokenSigner
  refreshTtlDays: number
}

const DAY_MS = 86_400_000

/** Stores a new refresh token in `familyId` and signs the matching access token. */
async function issueSession (deps: AuthDeps, db: Db, user: PublicUser, tenant: TenantRow, { role, version }: Membership, familyId: string): Promise<Session & { refresh_token_id: string }> {
  const refreshToken = newRefreshToken()
  const id = uuidv7()
  await insertRefreshToken(db, {
    id,
    token_hash: hashRefreshToken(refreshToken),
    family_id: familyId,
    user_id: user.id,
    tenant_id: tenant.id,
    expires_at: new Date(Date.now() + deps.refreshTtlDays * DAY_MS).toISOString()
  })
  return {
    user,
    tenant,
    role,
    access_token: deps.signer.sign({ sub: user.id, tenant_id: tenant.id, role, sid: familyId, mv: version }),
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: deps.signer.ttlSeconds,
    refresh_token_id: id
  }
}

export interface RegisterInput { email: string, password: string, name: string, tenant_name: string }

/** Creates the user, their tenant and the owner membership in one transaction. */
export async function register (deps: AuthDeps, input: RegisterInput): Promise<Session> {
  const passwordHash = await hashPassword(input.password)
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const user = await insertUser(trx, { id: uuidv7(), email: normalizeEmail(input.email), name: input.name.trim(), password_hash: passwordHash })
      const tenant = await insertTenant(trx, { id: uuidv7(), name: input.tenant_name.trim() })
      const membership = await insertMembership(trx, tenantScope(tenant.id), user.id, 'owner')
      return await issueSession(deps, trx, user, tenant, membership, uuidv7())
    })
  } catch (error) {
    if (isUniqueViolation(error, constraints.usersEmail)) throw errors.EMAIL_TAKEN()
    throw error
  }
}

export interface LoginInput { email: string, password: string, tenant_id?: string | undefined }

export async function login (deps: AuthDeps, input: LoginInput): Promise<Session> {
  const credentials = await findCredentialsByEmail(deps.db, normalizeEmail(input.email))
  const valid = await verifyPassword(credentials?.password_hash, input.password)
  if (credentials === undefined || !valid) throw errors.INVALID_CREDENTIALS()

  const tenants = await listUserTenants(deps.db, credentials.id)
  const chosen = input.tenant_id === undefined ? tenants[0] : tenants.find((tenant) => tenant.id === input.tenant_id)
  if (chosen === undefined) {
    throw errors.FORBIDDEN({ reason: input.tenant_id === undefined ? 'noTenant' : 'notAMember' })
  }
  const [user, tenant] = await Promise.all([findUserById(deps.db, credentials.id), findTenant(deps.db, tenantScope(chosen.id))])
  if (user === undefined || tenant === undefined) throw errors.INVALID_CREDENTIALS()
  return await issueSession(deps, deps.db, user, tenant, chosen, uuidv7())
}

export interface RefreshInput { refresh_token: string, tenant_id?: string | undefined }

type RefreshOutcome = { session: Session } | { reused: true }

/**
 * Rotates a refresh token: the presented one stops working and a new pair is issued, for the same
 * tenant or another one the user still belongs to (membership and role are re-read here). A token
 * that was already rotated means it was copied: the whole family is revoked.
 */
export async function refresh (deps: AuthDeps, input: RefreshInput): Promise<Session> {
  const tokenHash = hashRefreshToken(input.refresh_token)
  const outcome = await deps.db.transaction().execute(async (trx): Promise<RefreshOutcome> => {
    const presented = await findRefreshToken(trx, tokenHash)
    if (presented === undefined) throw errors.INVALID_REFRESH_TOKEN()
    await lockSessionsOf(trx, presented.user_id)
    const current = await findRefreshTokenForUpdate(trx, tokenHash)
    if (current === undefined) throw errors.INVALID_REFRESH_TOKEN()
    if (current.revoked_at !== null) {
      if (current.replaced_by === null) throw errors.INVALID_REFRESH_TOKEN()
      await revokeFamily(trx, current.family_id)
      return { reused: true }
    }
    if (Date.parse(current.expires_at) <= Date.now()) throw errors.INVALID_REFRESH_TOKEN()

    const scope = tenantScope(input.tenant_id ?? current.tenant_id)
    const membership = await findMembership(trx, scope, current.user_id)
    if (membership === undefined) throw errors.FORBIDDEN({ reason: 'notAMember' })
    const [user, tenant] = await Promise.all([findUserById(trx, current.user_id), findTenant(trx, scope)])
    if (user === undefined || tenant === undefined) throw errors.INVALID_REFRESH_TOKEN()

    const next = await issueSession(deps, trx, user, tenant, membership, current.family_id)
    await markRotated(trx, current.id, next.refresh_token_id)
    return { session: next }
  })
  if ('reused' in outcome) throw errors.INVALID_REFRESH_TOKEN({ reason: 'reused' })
  return outcome.session
}

/**
 * Ends the session the refresh token belongs to, and with it the session's access tokens on every
 * instance (a trigger announces it, see plugins/revocation.ts). Unknown tokens are ignored, so
 * logout is idempotent.
 */
export async function logout (deps: Pick<AuthDeps, 'db'>, refreshToken: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const token = await findRefreshToken(trx, hashRefreshToken(refreshToken))
    if (token === undefined) return
    await lockSessionsOf(trx, token.user_id)
    await revokeFamily(trx, token.family_id)
  })
}

export async function logoutAll (deps: Pick<AuthDeps, 'db'>, userId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await lockSessionsOf(trx, userId)
    await revokeUserSessions(trx, userId)
  })
}
