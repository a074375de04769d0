import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, ref, BODY_ERRORS, BEARER_ERRORS } from '#src/schemas/index.js'
import { MeResponse, UpdateMeBody, UserResponse } from '#src/schemas/identity.js'
import { getMe, updateMe } from '#src/services/account.js'

const tags = ['me']

const me: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'getMe',
      summary: 'The signed-in user, the active tenant and role, and every tenant the user belongs to',
      description: 'Who the token belongs to: the user, the tenant the token is for and the role in it, and every tenant the user belongs to (switch with refresh and `tenant_id`).',
      tags,
      response: { 200: ref(MeResponse), ...errorResponses(...BEARER_ERRORS) }
    }
  }, async (request) => ({ data: await getMe(app.db, request.auth), error: null }))

  app.patch('', {
    config: { changesAccess: true },
    schema: {
      operationId: 'updateMe',
      summary: 'Rename the user or change the password (which signs out the other sessions)',
      description: 'Changes the name, or the password (the current one is required); a password change ends every other session of the user.',
      tags,
      body: ref(UpdateMeBody),
      response: { 200: ref(UserResponse), ...errorResponses(...BEARER_ERRORS, ...BODY_ERRORS) }
    }
  }, async (request) => ({ data: await updateMe(app.db, request.auth, request.body), error: null }))
}

export default me
