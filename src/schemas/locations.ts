import { Type, type Static } from 'typebox'
import { dataEnvelope, pageEnvelope } from './envelope.js'
import { CountryCode, nullable, SearchTerm, Timestamp, TimeZoneName, Uuid } from './fields.js'
import { PageQuery } from './params.js'
import { ref } from './ref.js'

const Name = Type.String({ minLength: 1, maxLength: 200 })
const AddressLine = Type.String({ minLength: 1, maxLength: 200 })
const City = Type.String({ minLength: 1, maxLength: 100 })
const Region = Type.String({ minLength: 1, maxLength: 100, description: 'State, province or county.' })
const PostalCode = Type.String({ minLength: 1, maxLength: 20 })

export const Location = Type.Object({
  id: Uuid,
  name: Type.String(),
  address_line1: nullable(Type.String()),
  address_line2: nullable(Type.String()),
  city: nullable(Type.String()),
  region: nullable(Type.String()),
  postal_code: nullable(Type.String()),
  country: nullable(Type.String({ description: 'ISO 3166-1 alpha-2 code.' })),
  timezone: Type.String({ description: 'IANA time zone name.' }),
  active: Type.Boolean(),
  created_by: nullable(Uuid),
  created_at: Timestamp,
  updated_at: Timestamp
}, { $id: 'Location', additionalProperties: false })
export type Location = Static<typeof Location>

export const CreateLocationBody = Type.Object({
  name: Name,
  address_line1: Type.Optional(nullable(AddressLine)),
  address_line2: Type.Optional(nullable(AddressLine)),
  city: Type.Optional(nullable(City)),
  region: Type.Optional(nullable(Region)),
  postal_code: Type.Optional(nullable(PostalCode)),
  country: Type.Optional(nullable(CountryCode)),
  timezone: TimeZoneName,
  active: Type.Optional(Type.Boolean({ default: true }))
}, { $id: 'CreateLocationRequest', additionalProperties: false, description: 'Address fields are optional: null (or absent) means none, an empty string is refused.' })
export type CreateLocationBody = Static<typeof CreateLocationBody>

export const UpdateLocationBody = Type.Object({
  name: Type.Optional(Name),
  address_line1: Type.Optional(nullable(AddressLine)),
  address_line2: Type.Optional(nullable(AddressLine)),
  city: Type.Optional(nullable(City)),
  region: Type.Optional(nullable(Region)),
  postal_code: Type.Optional(nullable(PostalCode)),
  country: Type.Optional(nullable(CountryCode)),
  timezone: Type.Optional(TimeZoneName),
  active: Type.Optional(Type.Boolean())
}, { $id: 'UpdateLocationRequest', additionalProperties: false, minProperties: 1, description: 'Absent keys are left alone; null clears a nullable field.' })
export type UpdateLocationBody = Static<typeof UpdateLocationBody>

export const locationSorts = ['name', '-name', 'created_at', '-created_at'] as const

export const LocationListQuery = Type.Object({
  active: Type.Optional(Type.Boolean({ description: 'true: active locations only; false: inactive ones only.' })),
  q: Type.Optional(SearchTerm),
  sort: Type.Optional(Type.Enum(locationSorts, { description: 'A field, descending with a leading "-". Default -created_at.' })),
  ...PageQuery
}, { additionalProperties: false })
export type LocationListQuery = Static<typeof LocationListQuery>

export const LocationResponse = dataEnvelope('LocationResponse', ref(Location))
export const LocationListResponse = pageEnvelope('LocationListResponse', ref(Location))

export const locationSchemas = [Location, CreateLocationBody, UpdateLocationBody, LocationResponse, LocationListResponse]
