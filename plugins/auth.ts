import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { roles, type Role } from '#db/schema/index.js'
import { VerifiedTokens } from '#src/auth/verified-tokens.js'
import { AppError, errors } from '#src/errors/index.js'
import { bearerToken } from '#src/http/bearer.js'
import type { AuthContext } from '#src/services/auth-context.js'
import { redeemTicket } from '#src/services/stream-tickets.js'
import type { AccessClaims, AccessTokenSigner } from '#src/services/tokens.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: verifies the Bearer access token and sets `request.authContext`, or answers 401. */
    authenticate: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void
    /**
     * The caller an `Authorization` header names, checked in full (signature, expiry, session and
     * membership still current), or an AppError (401): the one token check of every door (REST,
     * and later GraphQL, gRPC and streams).
     */
    authorize: (authorization: string | undefined) => Promise<AuthContext>
    /** The signature and expiry part of `authorize`, synchronous (the rate limiter's question: is this a token at all?). */
    verifyAccessToken: (authorization: string | undefined) => AuthContext
    /** When a verified Authorization header's token expires (ms since the epoch). */
    accessExpiry: (authorization: string | undefined) => number
    accessTokens: AccessTokenSigner
  }
  interface FastifyRequest {
    /** The verified caller, or null: set by `authenticate`, null before it runs and on public routes. */
    authContext: AuthContext | null
    /** When the caller's access ends (ms since the epoch): set for stream tickets; 0 otherwise (see accessExpiry). */
    authExpiresAt: number
    /**
     * The verified caller, on routes guarded by `requireAuthentication`. Reading it anywhere else is
     * a programming error and throws (a 500), rather than handing out a null as a caller.
     */
    readonly auth: AuthContext
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims
  }
}

/** The name of the security scheme in the OpenAPI document (see plugins/openapi.ts). */
export const BEARER_SCHEME = 'bearerAuth'

const ALGORITHM = 'HS256'
/** Distinct live tokens remembered; about 1 KB each. */
const VERIFIED_TOKENS_MAX = 50_000
const roleSet = new Set<string>(roles)
const bearerSecurity = [{ [BEARER_SCHEME]: [] }]

function isAccessClaims (claims: Partial<AccessClaims>): claims is AccessClaims {
  return typeof claims.sub === 'string' && typeof claims.tenant_id === 'string' && typeof claims.mv === 'number' &&
    typeof claims.sid === 'string' && typeof claims.role === 'string' && roleSet.has(claims.role)
}

/**
 * Guards every route registered in `scope` and below it: a valid access token is required, and
 * each route's OpenAPI operation says so. The check and its documentation are set in this one
 * place, so they cannot disagree (the autohooks files and /auth/logout-all call it).
 */
export function requireAuthentication (scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: bearerSecurity }
  })
  scope.addHook('onRequest', scope.authenticate)
}

/**
 * Access tokens: HS256 only, issuer and audience checked, 15 minutes by default. The verifier is
 * built once at start-up (fast-jwt, with its verification cache), never per request.
 */
export default fp(async (app) => {
  const { config } = app
  await app.register(jwt, {
    secret: config.JWT_SECRET,
    sign: { algorithm: ALGORITHM, iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS },
    verify: {
      algorithms: [ALGORITHM],
      allowedIss: config.JWT_ISSUER,
      allowedAud: config.JWT_AUDIENCE,
      requiredClaims: ['sub', 'tenant_id', 'role', 'sid', 'mv', 'iat', 'exp', 'iss', 'aud'],
      // VerifiedTokens below remembers verified tokens by their text, without hashing them.
      cache: false
    }
  })

  app.decorate('accessTokens', {
    sign: (claims: AccessClaims) => app.jwt.sign(claims),
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS
  })

  app.decorateRequest('authContext', null)
  app.decorateRequest('auth', {
    getter (this: FastifyRequest) {
      const context = this.authContext
      if (context === null) throw new Error('request.auth was read on a route that does not authenticate (see requireAuthentication)')
      return context
    }
  })

  const verified = new VerifiedTokens<AuthContext>(VERIFIED_TOKENS_MAX)

  function verifyAccessToken (authorization: string | undefined): AuthContext {
    const token = bearerToken(authorization)
    if (token === undefined) throw errors.UNAUTHORIZED({ reason: 'missingToken' })
    const now = Date.now()
    const known = verified.get(token, now)
    if (known === 'expired') throw errors.TOKEN_EXPIRED()
    if (known !== undefined) return known
    let claims: Partial<AccessClaims> & { exp?: number }
    try {
      claims = app.jwt.verify<Partial<AccessClaims> & { exp?: number }>(token)
    } catch (error) {
      if ((error as { code?: string }).code === 'FAST_JWT_EXPIRED') throw errors.TOKEN_EXPIRED()
      throw errors.UNAUTHORIZED({ reason: 'invalidToken' })
    }
    const expiresAt = claims.exp
    if (!isAccessClaims(claims) || typeof expiresAt !== 'number') throw errors.UNAUTHORIZED({ reason: 'invalidToken' })
    // One frozen object per token: requests share it, and nothing can change it.
    const context: AuthContext = Object.freeze({ userId: claims.sub, tenantId: claims.tenant_id, role: claims.role as Role, sessionId: claims.sid, membershipVersion: claims.mv })
    verified.set(token, context, expiresAt * 1000)
    return context
  }

  const { revocations } = app
  app.decorate('verifyAccessToken', verifyAccessToken)
  app.decorate('accessExpiry', (authorization: string | undefined) => {
    const token = bearerToken(authorization)
    const claims = token === undefined ? null : app.jwt.decode<{ exp?: number }>(token)
    return typeof claims?.exp === 'number' ? claims.exp * 1000 : 0
  })
  app.decorate('authorize', async (authorization: string | undefined) => {
    const context = verifyAccessToken(authorization)
    if (await revocations.check(context) === 'revoked') throw errors.TOKEN_REVOKED()
    return context
  })
  // A callback hook: the signature check is synchronous and the revocation check is answered from
  // memory (a membership not seen on this instance yet is read once), so almost never a promise.
  /** A stream opened with a ticket: the caller it stands for, if still valid and not revoked. */
  function authenticateByTicket (request: FastifyRequest, ticket: string, done: HookHandlerDoneFunction): void {
    redeemTicket(app.db, ticket).then(async (redeemed) => {
      if (redeemed === undefined) throw errors.UNAUTHORIZED({ reason: 'invalidTicket' })
      if (await revocations.check(redeemed.auth) === 'revoked') throw errors.TOKEN_REVOKED()
      request.authContext = redeemed.auth
      request.authExpiresAt = redeemed.accessExpiresAt
    }).then(() => { done() }, done)
  }

  app.decorateRequest('authExpiresAt', 0)
  app.decorate('authenticate', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.headers.authorization === undefined && request.routeOptions.config.streamTicket === true) {
      const { ticket } = request.query as { ticket?: unknown }
      if (typeof ticket === 'string') return authenticateByTicket(request, ticket, done)
    }
    let context: AuthContext
    try {
      context = verifyAccessToken(request.headers.authorization)
    } catch (error) {
      done(error as AppError)
      return
    }
    const standing = revocations.standing(context)
    if (standing === 'valid') {
      request.authContext = context
      return done()
    }
    if (standing === 'revoked') return done(errors.TOKEN_REVOKED())
    revocations.check(context).then((checked) => {
      if (checked === 'valid') request.authContext = context
      done(checked === 'valid' ? undefined : errors.TOKEN_REVOKED())
    }, done)
  })
}, { name: 'auth', dependencies: ['config', 'database', 'revocation'] })
