import { createHash, randomBytes } from 'node:crypto'
import type { Role } from '#db/schema/index.js'

export interface AccessClaims {
  sub: string
  tenant_id: string
  role: Role
  sid: string
  /** The membership version the token was issued for: a role change or removal makes it stale. */
  mv: number
}

/** Signs access tokens; built by the auth plugin from @fastify/jwt so services need no Fastify. */
export interface AccessTokenSigner {
  sign(claims: AccessClaims): string
  readonly ttlSeconds: number
}

/** 256 random bits, URL-safe: the refresh token as the client sees it. */
export function newRefreshToken (): string {
  return randomBytes(32).toString('base64url')
}

/** Refresh tokens are stored as SHA-256: they are random, so no salt or slow hash is needed. */
export function hashRefreshToken (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
