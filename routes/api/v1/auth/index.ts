import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireAuthentication } from '#plugins/auth.js'
import { codes } from '#src/errors/index.js'
import { errorResponses, ref, BODY_ERRORS, BEARER_ERRORS } from '#src/schemas/index.js'
import { NoContent } from '#src/schemas/params.js'
import { LoginBody, LogoutBody, RefreshBody, RegisterBody, SessionResponse } from '#src/schemas/identity.js'
import { login, logout, logoutAll, refresh, register, type AuthDeps } from '#src/services/auth.js'

const tags = ['auth']

const auth: FastifyPluginAsyncTypebox = async (app) => {
  const deps: AuthDeps = { db: app.db, signer: app.accessTokens, refreshTtlDays: app.config.REFRESH_TOKEN_TTL_DAYS }

  app.post('/register', {
    config: { credentialField: 'email' },
    schema: {
      operationId: 'register',
      summary: 'Create an account with its own tenant, and sign in as its owner',
      description: 'Creates the user and a tenant of their own in one transaction and signs in as its owner: the answer holds an access token (Bearer, short-lived) and a refresh token. Counts against the anonymous and the per-email sign-in budgets.',
      tags,
      body: ref(RegisterBody),
      response: { 201: ref(SessionResponse), ...errorResponses(...BODY_ERRORS, codes.EMAIL_TAKEN, codes.RATE_LIMITED) }
    }
  }, async (request, reply) => {
    reply.code(201)
    return { data: await register(deps, request.body), error: null }
  })

  app.post('/login', {
    config: { credentialField: 'email' },
    schema: {
      operationId: 'login',
      summary: 'Sign in with email and password (optionally into a given tenant)',
      description: 'Checks the password (argon2id) and answers a token pair for the given tenant, or for the user\'s first tenant. A wrong email and a wrong password get the same answer.',
      tags,
      body: ref(LoginBody),
      response: { 200: ref(SessionResponse), ...errorResponses(...BODY_ERRORS, codes.INVALID_CREDENTIALS, codes.FORBIDDEN, codes.RATE_LIMITED) }
    }
  }, async (request) => ({ data: await login(deps, request.body), error: null }))

  app.post('/refresh', {
    config: { credentialField: 'refresh_token' },
    schema: {
      operationId: 'refreshSession',
      summary: 'Rotate a refresh token for a new token pair, optionally switching tenant',
      description: 'The presented refresh token stops working. Presenting an already-rotated token revokes its whole family.',
      tags,
      body: ref(RefreshBody),
      response: { 200: ref(SessionResponse), ...errorResponses(...BODY_ERRORS, codes.INVALID_REFRESH_TOKEN, codes.FORBIDDEN, codes.RATE_LIMITED) }
    }
  }, async (request) => ({ data: await refresh(deps, request.body), error: null }))

  app.post('/logout', {
    config: { changesAccess: true },
    schema: {
      operationId: 'logout',
      summary: 'End the session a refresh token belongs to',
      description: 'Revokes the token and every token rotated from the same login. Answers 204 for an unknown token too, so tokens cannot be probed.',
      tags,
      body: ref(LogoutBody),
      response: { 204: NoContent, ...errorResponses(...BODY_ERRORS, codes.RATE_LIMITED) }
    }
  }, async (request, reply) => {
    await logout(deps, request.body.refresh_token)
    return await reply.code(204).send(null)
  })

  // The one route here that needs a token: guarded in a scope of its own.
  await app.register(async (authenticated) => {
    requireAuthentication(authenticated)
    authenticated.post('/logout-all', {
      config: { changesAccess: true },
      schema: {
        operationId: 'logoutAll',
        summary: 'End every session of the signed-in user',
        description: 'Revokes every refresh token of the user and ends every session\'s access token within a second on every instance.',
        tags,
        response: { 204: NoContent, ...errorResponses(...BEARER_ERRORS) }
      }
    }, async (request, reply) => {
      await logoutAll(deps, request.auth.userId)
      return await reply.code(204).send(null)
    })
  })
}

export default auth
