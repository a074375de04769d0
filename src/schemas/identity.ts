import { Type, type Static } from 'typebox'
import { CurrencyCode, Timestamp, Uuid } from './fields.js'
import { roles } from '#db/schema/memberships.js'
import { dataEnvelope, pageEnvelope } from './envelope.js'
import { ref } from './ref.js'

export const Role = Type.Enum(roles, { $id: 'Role', description: 'Guests read; members create and edit their own items; admins and owners manage the tenant.' })
export type Role = Static<typeof Role>

/** Surrounding spaces are allowed here and trimmed by the service; case is ignored. */
export const Email = Type.String({ maxLength: 254, pattern: '^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$', description: 'Trimmed and compared case-insensitively.', examples: ['ada@example.com'] })
export const Password = Type.String({ minLength: 8, maxLength: 128, description: '8 to 128 characters; never echoed or logged.' })
const Name = Type.String({ minLength: 1, maxLength: 200 })
/** Any text up to 4 KiB: a token of the wrong shape (an access token, say) is an invalid refresh token (401), not a validation error. */
const RefreshToken = Type.String({ minLength: 1, maxLength: 4096, description: 'The opaque refresh token from the last login or refresh; anything else is 401 INVALID_REFRESH_TOKEN.' })

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp
}, { $id: 'User', additionalProperties: false })
export type User = Static<typeof User>

export const Tenant = Type.Object({
  id: Uuid,
  name: Type.String(),
  currency: Type.String({ description: 'ISO 4217 code; the default currency of new products.' }),
  created_at: Timestamp,
  updated_at: Timestamp
}, { $id: 'Tenant', additionalProperties: false })
export type Tenant = Static<typeof Tenant>

export const Session = Type.Object({
  user: ref(User),
  tenant: ref(Tenant),
  role: ref(Role),
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires.' })
}, { $id: 'Session', additionalProperties: false })
export type Session = Static<typeof Session>

export const RegisterBody = Type.Object({
  email: Email,
  password: Password,
  name: Name,
  tenant_name: Name
}, { $id: 'RegisterRequest', additionalProperties: false })

export const LoginBody = Type.Object({
  email: Email,
  password: Type.String({ minLength: 1, maxLength: 128 }),
  tenant_id: Type.Optional(Uuid)
}, { $id: 'LoginRequest', additionalProperties: false })

export const RefreshBody = Type.Object({
  refresh_token: RefreshToken,
  tenant_id: Type.Optional(Uuid)
}, { $id: 'RefreshRequest', additionalProperties: false })

export const LogoutBody = Type.Object({
  refresh_token: RefreshToken
}, { $id: 'LogoutRequest', additionalProperties: false })

export const TenantMembership = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: ref(Role)
}, { $id: 'TenantMembership', additionalProperties: false })

export const Me = Type.Object({
  user: ref(User),
  tenant: ref(Tenant),
  role: ref(Role),
  tenants: Type.Array(ref(TenantMembership))
}, { $id: 'Me', additionalProperties: false })
export type Me = Static<typeof Me>

export const UpdateMeBody = Type.Object({
  name: Type.Optional(Name),
  current_password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  new_password: Type.Optional(Password)
}, { $id: 'UpdateMeRequest', additionalProperties: false, minProperties: 1 })

export const UpdateTenantBody = Type.Object({
  name: Type.Optional(Name),
  currency: Type.Optional(CurrencyCode)
}, { $id: 'UpdateTenantRequest', additionalProperties: false, minProperties: 1 })

export const Member = Type.Object({
  user_id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: ref(Role),
  joined_at: Timestamp
}, { $id: 'Member', additionalProperties: false })
export type Member = Static<typeof Member>

/**
 * What adding a member answers: the member without the account's name, which the adding admin
 * did not know and the account never agreed to share (invitations replace adding by email).
 */
export const AddedMember = Type.Omit(Member, ['name'], { $id: 'AddedMember', additionalProperties: false })
export type AddedMember = Static<typeof AddedMember>

export const AddMemberBody = Type.Object({
  email: Email,
  role: ref(Role)
}, { $id: 'AddMemberRequest', additionalProperties: false })

export const UpdateMemberBody = Type.Object({
  role: ref(Role)
}, { $id: 'UpdateMemberRequest', additionalProperties: false })

export const SessionResponse = dataEnvelope('SessionResponse', ref(Session))
export const UserResponse = dataEnvelope('UserResponse', ref(User))
export const MeResponse = dataEnvelope('MeResponse', ref(Me))
export const TenantResponse = dataEnvelope('TenantResponse', ref(Tenant))
export const MemberResponse = dataEnvelope('MemberResponse', ref(Member))
export const AddedMemberResponse = dataEnvelope('AddedMemberResponse', ref(AddedMember))
export const MemberListResponse = pageEnvelope('MemberListResponse', ref(Member))

export const identitySchemas = [
  Role, User, Tenant, Session, RegisterBody, LoginBody, RefreshBody, LogoutBody, TenantMembership, Me,
  UpdateMeBody, UpdateTenantBody, Member, AddedMember, AddMemberBody, UpdateMemberBody,
  SessionResponse, UserResponse, MeResponse, TenantResponse, MemberResponse, AddedMemberResponse, MemberListResponse
]
