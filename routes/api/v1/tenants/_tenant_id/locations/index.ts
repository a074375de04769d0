import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { etagOf, ifMatchVersions, notModified } from '#src/http/conditional.js'
import { codes } from '#src/errors/index.js'
import { withHeaders } from '#src/schemas/response-headers.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { CreateLocationBody, LocationListQuery, LocationListResponse, LocationResponse, UpdateLocationBody } from '#src/schemas/locations.js'
import { IfMatchHeaders, IfNoneMatchHeaders, NoContent, NotModified, resourceParams, TenantParams } from '#src/schemas/params.js'
import { createLocation, deleteLocation, getLocation, listLocations, updateLocation } from '#src/services/locations.js'

const tags = ['locations']
const LocationParams = resourceParams('location_id')

const locations: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'listLocations',
      summary: 'Locations of the tenant, filtered, sorted and paginated',
      description: 'Filter by `active` and a name search, sort by name or creation time; pages of up to 100 with the total.',
      tags,
      params: TenantParams,
      querystring: LocationListQuery,
      response: { 200: ref(LocationListResponse), ...errorResponses(...TENANT_ERRORS) }
    }
  }, async (request) => {
    const page = await listLocations(app.db, request.auth, request.query)
    return { data: page.items, meta: page.meta, error: null }
  })

  app.post('', {
    schema: {
      operationId: 'createLocation',
      summary: 'Create a location (members and above)',
      description: 'Creates a location in the tenant; it takes orders while active. Members and above; guests are read-only.',
      tags,
      params: TenantParams,
      body: ref(CreateLocationBody),
      response: { 201: withHeaders(ref(LocationResponse), 'Location', 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN) }
    }
  }, async (request, reply) => {
    const location = await createLocation(app.db, request.auth, request.body)
    reply.code(201)
      .header('location', `/api/v1/tenants/${request.params.tenant_id}/locations/${location.id}`)
      .header('etag', etagOf(location.version))
    return { data: location, error: null }
  })

  app.get('/:location_id', {
    schema: {
      operationId: 'getLocation',
      summary: 'One location, with a strong ETag',
      description: 'One location. Send its ETag as If-None-Match to get 304 when it has not changed.',
      tags,
      params: LocationParams,
      headers: IfNoneMatchHeaders,
      response: { 200: withHeaders(ref(LocationResponse), 'ETag'), 304: withHeaders(NotModified, 'ETag'), ...errorResponses(...TENANT_ERRORS, codes.LOCATION_NOT_FOUND) }
    }
  }, async (request, reply) => {
    const location = await getLocation(app.db, request.auth, request.params.location_id)
    if (notModified(request, reply, location.version)) return reply.send()
    return { data: location, error: null }
  })

  app.patch('/:location_id', {
    schema: {
      operationId: 'updateLocation',
      summary: 'Change some fields of a location (its creator, or an admin)',
      description: 'Changes the fields sent and keeps the others. With If-Match, only if the location is still at that version (else 412). Its creator, or an admin.',
      tags,
      params: LocationParams,
      headers: IfMatchHeaders,
      body: ref(UpdateLocationBody),
      response: { 200: withHeaders(ref(LocationResponse), 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.LOCATION_NOT_FOUND, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    const location = await updateLocation(app.db, request.auth, request.params.location_id, request.body, ifMatchVersions(request))
    reply.header('etag', etagOf(location.version))
    return { data: location, error: null }
  })

  app.delete('/:location_id', {
    schema: {
      operationId: 'deleteLocation',
      summary: 'Delete a location (its creator, or an admin)',
      description: 'Deletes a location no order was placed at; one with orders answers 409 LOCATION_IN_USE (set active=false instead). With If-Match, only at that version.',
      tags,
      params: LocationParams,
      headers: IfMatchHeaders,
      response: { 204: NoContent, ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN, codes.LOCATION_NOT_FOUND, codes.LOCATION_IN_USE, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    await deleteLocation(app.db, request.auth, request.params.location_id, ifMatchVersions(request))
    return await reply.code(204).send(null)
  })
}

export default locations
