import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { useTestApp } from '#test/helpers/app.js'
import { eventsNumbered } from '#test/helpers/events.js'
import { registerUser } from '#test/helpers/identity.js'

/**
 * The inbox is a queue (every event inserted, then deleted by the sequencer): the sequencer
 * vacuums it every few thousand events, so its pages are reused instead of growing with every
 * event until autovacuum comes (see vacuumInbox in db/queries/events.ts).
 */
describe('event inbox', () => {
  const context = useTestApp()

  async function inboxPages (app: FastifyInstance): Promise<number> {
    const { rows } = await sql<{ pages: string }>`select pg_relation_size('event_inbox') / current_setting('block_size')::int as pages`.execute(app.db)
    return Number(rows[0]?.pages)
  }

  /** Writes `count` events straight into the inbox, has them numbered; the inbox's size once they were in. */
  async function writeAndNumber (app: FastifyInstance, tenantId: string, count: number): Promise<number> {
    await sql`insert into event_inbox (tenant_id, type, resource_id, actor_id, data)
      select ${tenantId}::uuid, 'product.deleted', gen_random_uuid(), null, json_build_object('id', g) from generate_series(1, ${count}) g`.execute(app.db)
    const pages = await inboxPages(app)
    app.events.sequence()
    await eventsNumbered(app)
    return pages
  }

  test('stays the same size round after round: deleted rows are reused, not added to', async () => {
    const { app } = context
    const owner = await registerUser(app)
    const first = await writeAndNumber(app, owner.tenant.id, 6000)
    assert.ok(first > 0)
    let last = first
    for (let round = 0; round < 3; round++) last = await writeAndNumber(app, owner.tenant.id, 6000)
    // Without the vacuum the fourth round's rows come on top of the 18,000 deleted ones: four times
    // the pages. With it, at most one vacuum interval (5,000 events) of deleted rows is left behind
    // when a round starts, depending on where the rounds fall in it: under twice the pages.
    assert.ok(last < first * 2, `the inbox grew from ${first} to ${last} pages`)
    const { rows } = await sql<{ numbered: string }>`select count(*) as numbered from events where tenant_id = ${owner.tenant.id}::uuid and type = 'product.deleted'`.execute(app.db)
    assert.equal(Number(rows[0]?.numbered), 24_000, 'every event numbered')
  })
})
