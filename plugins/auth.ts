import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import type { FastifyRequest } from 'fastify'
import { roles, type Role } from '#db/schema/index.js'
import { errors } from '#src/errors/index.js'
import type { AuthContext } from '#src/services/auth-context.js'
import type { AccessClaims, AccessTokenSigner } from '#src/services/tokens.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: verifies the Bearer access token and sets `request.auth`, or answers 401. */
    authenticate: (request: FastifyRequest) => Promise<void>
    accessTokens: AccessTokenSigner
  }
  interface FastifyRequest {
    /** Set by `authenticate`; present on every route that uses it (see the autohooks files). */
    auth: AuthContext
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims
  }
}

const ALGORITHM = 'HS256'
const BEARER = /^Bearer +(\S+)\s*$/i
const roleSet = new Set<string>(roles)

function isAccessClaims (claims: Partial<AccessClaims>): claims is AccessClaims {
  return typeof claims.sub === 'string' && typeof claims.tenant_id === 'string' &&
    typeof claims.sid === 'string' && typeof claims.role === 'string' && roleSet.has(claims.role)
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
      requiredClaims: ['sub', 'tenant_id', 'role', 'sid', 'iat', 'exp', 'iss', 'aud'],
      cache: true
    }
  })

  app.decorate('accessTokens', {
    sign: (claims: AccessClaims) => app.jwt.sign(claims),
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS
  })

  app.decorateRequest('auth', null as unknown as AuthContext)

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1]
    if (token === undefined) throw errors.UNAUTHORIZED({ reason: 'missingToken' })
    let claims: Partial<AccessClaims>
    try {
      claims = app.jwt.verify<Partial<AccessClaims>>(token)
    } catch (error) {
      if ((error as { code?: string }).code === 'FAST_JWT_EXPIRED') throw errors.TOKEN_EXPIRED()
      throw errors.UNAUTHORIZED({ reason: 'invalidToken' })
    }
    if (!isAccessClaims(claims)) throw errors.UNAUTHORIZED({ reason: 'invalidToken' })
    request.auth = { userId: claims.sub, tenantId: claims.tenant_id, role: claims.role as Role, sessionId: claims.sid }
  })
}, { name: 'auth', dependencies: ['config'] })
