import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { codes } from '#src/errors/index.js'
import { withHeaders } from '#src/schemas/response-headers.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { AddedMemberResponse, AddMemberBody, MemberListResponse, MemberResponse, UpdateMemberBody } from '#src/schemas/identity.js'
import { NoContent, PageQuery, resourceParams, TenantParams } from '#src/schemas/params.js'
import { addMember, changeMemberRole, listMembers, removeMember } from '#src/services/tenants.js'

const tags = ['members']
const MemberParams = resourceParams('user_id')

const members: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'listMembers',
      summary: 'Members of the tenant, oldest first',
      description: 'Every member with their role, oldest first, paginated.',
      tags,
      params: TenantParams,
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: { 200: ref(MemberListResponse), ...errorResponses(...TENANT_ERRORS) }
    }
  }, async (request) => {
    const page = await listMembers(app.db, request.auth, request.query)
    return { data: page.items, meta: page.meta, error: null }
  })

  app.post('', {
    config: { changesAccess: true },
    schema: {
      operationId: 'addMember',
      summary: 'Add an existing user to the tenant (admin or owner; only an owner grants owner)',
      description: 'The answer does not include the account\'s name: it was not the adding admin\'s to learn. An email without an account is 404 USER_NOT_FOUND.',
      tags,
      params: TenantParams,
      body: ref(AddMemberBody),
      response: { 201: withHeaders(ref(AddedMemberResponse), 'Location'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.USER_NOT_FOUND, codes.ALREADY_A_MEMBER) }
    }
  }, async (request, reply) => {
    const member = await addMember(app.db, request.auth, request.body)
    reply.code(201).header('location', `/api/v1/tenants/${request.params.tenant_id}/members/${member.user_id}`)
    return { data: member, error: null }
  })

  app.patch('/:user_id', {
    config: { changesAccess: true },
    schema: {
      operationId: 'updateMember',
      summary: "Change a member's role (admin or owner; the last owner cannot be demoted)",
      description: 'Sets a member\'s role. Only an owner grants, changes or removes the owner role, and the last owner stays an owner. The member\'s tokens are refused within a second and must be refreshed.',
      tags,
      params: MemberParams,
      body: ref(UpdateMemberBody),
      response: { 200: ref(MemberResponse), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.MEMBER_NOT_FOUND, codes.LAST_OWNER) }
    }
  }, async (request) => ({ data: await changeMemberRole(app.db, request.auth, request.params.user_id, request.body.role), error: null }))

  app.delete('/:user_id', {
    config: { changesAccess: true },
    schema: {
      operationId: 'removeMember',
      summary: 'Remove a member from the tenant (admin or owner; the last owner cannot be removed)',
      description: 'Removes the membership (not the account); the member\'s tokens for this tenant stop within a second. The last owner cannot be removed.',
      tags,
      params: MemberParams,
      response: { 204: NoContent, ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN, codes.MEMBER_NOT_FOUND, codes.LAST_OWNER) }
    }
  }, async (request, reply) => {
    await removeMember(app.db, request.auth, request.params.user_id)
    return await reply.code(204).send(null)
  })
}

export default members
