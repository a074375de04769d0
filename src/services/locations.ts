import { countLocations, deleteLocation as deleteLocationRow, findLocation, findLocationWriteTarget, insertLocation, listLocations as listLocationRows, updateLocation as updateLocationRow } from '#db/queries/locations.js'
import type { Db } from '#db/schema/index.js'
import { uuidv7 } from '#db/ids.js'
import { constraints, isForeignKeyViolation } from '#db/postgres-errors.js'
import { errors } from '../errors/index.js'
import type { CreateLocationBody, Location, LocationListQuery, UpdateLocationBody } from '../schemas/locations.js'
import { requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { recordChanges } from './events.js'
import { fetchPage, parseSort, type Page } from './pagination.js'
import { countryProblem, rejectProblems, timeZoneProblem } from './reference-data.js'
import { rejectedWrite, writeGuardFor } from './writes.js'

/** A location as stored: the API shape plus the version its ETag is made from. */
export type LocationRecord = Location & { version: number }

export async function createLocation (db: Db, auth: AuthContext, input: CreateLocationBody): Promise<LocationRecord> {
  requireRole(auth, 'member')
  rejectProblems(timeZoneProblem(input.timezone), countryProblem(input.country))
  return await db.transaction().execute(async (trx) => {
    const location = await insertLocation(trx, scopeOf(auth), {
      id: uuidv7(),
      name: input.name,
      address_line1: input.address_line1 ?? null,
      address_line2: input.address_line2 ?? null,
      city: input.city ?? null,
      region: input.region ?? null,
      postal_code: input.postal_code ?? null,
      country: input.country ?? null,
      timezone: input.timezone,
      active: input.active,
      created_by: auth.userId
    })
    await recordChanges(trx, auth, [{ type: 'location.created', resource: location }])
    return location
  })
}

export async function getLocation (db: Db, auth: AuthContext, id: string): Promise<LocationRecord> {
  const location = await findLocation(db, scopeOf(auth), id)
  if (location === undefined) throw errors.LOCATION_NOT_FOUND()
  return location
}

export async function listLocations (db: Db, auth: AuthContext, query: LocationListQuery): Promise<Page<LocationRecord>> {
  const scope = scopeOf(auth)
  const { page, page_size: pageSize, sort, ...filters } = query
  return await fetchPage({ page, page_size: pageSize },
    async (window) => await listLocationRows(db, scope, filters, parseSort(sort, '-created_at'), window),
    async () => await countLocations(db, scope, filters))
}

/** Partial update: absent keys stay as they are, null clears a nullable field. */
export async function updateLocation (db: Db, auth: AuthContext, id: string, changes: UpdateLocationBody, versions?: number[]): Promise<LocationRecord> {
  const guard = writeGuardFor(auth, versions)
  rejectProblems(timeZoneProblem(changes.timezone), countryProblem(changes.country))
  const scope = scopeOf(auth)
  const updated = await db.transaction().execute(async (trx) => {
    const row = await updateLocationRow(trx, scope, id, changes, guard)
    if (row !== undefined) await recordChanges(trx, auth, [{ type: 'location.updated', resource: row }])
    return row
  })
  if (updated !== undefined) return updated
  throw rejectedWrite(errors.LOCATION_NOT_FOUND, await findLocationWriteTarget(db, scope, id), auth, versions)
}

export async function deleteLocation (db: Db, auth: AuthContext, id: string, versions?: number[]): Promise<void> {
  const guard = writeGuardFor(auth, versions)
  const scope = scopeOf(auth)
  const deleted = await db.transaction().execute(async (trx) => {
    const gone = await deleteLocationRow(trx, scope, id, guard).catch((error: unknown) => {
      if (isForeignKeyViolation(error, constraints.ordersLocation)) throw errors.LOCATION_IN_USE()
      throw error
    })
    if (gone) await recordChanges(trx, auth, [{ type: 'location.deleted', resource: { id } }])
    return gone
  })
  if (!deleted) throw rejectedWrite(errors.LOCATION_NOT_FOUND, await findLocationWriteTarget(db, scope, id), auth, versions)
}
